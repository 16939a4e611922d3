using System.CommandLine;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

/// <summary><c>enable</c> and <c>disable</c>: the persisted on/off switch a running daemon reads every second.</summary>
internal static class EnableCommand
{
    /// <summary>The flow's name as 'status' shows it (shared with disable).</summary>
    internal static readonly Argument<string> FlowName = new("flow name") { Description = "the flow's \"name\", as 'status' shows it" };

    public static VerbCommand Create() => new("enable", "switch a flow on for the daemon (takes effect within a second)")
    {
        Details = """
            Switches the flow on: the daemon (serve) runs it on its triggers again. A running daemon picks the switch
            up within a second; no restart. Flows are on until switched off. 'run' works whether a flow is on or off.
            The name must be a flow of the rules folder (--rules, where the name is looked up) or one the state file has
            runs of; otherwise nothing is written (a typo must not look like success).
            """,
        Examples = ["rulesengine enable helpcrunch-contacts"],
        ExitCodes = SwitchExitCodes,
        Handler = (parse, console, _) => Switch(parse, console, enabled: true),
        Arguments = { FlowName },
        Options = { CommonOptions.Rules, CommonOptions.State },
    };

    internal static readonly IReadOnlyDictionary<ExitCode, string> SwitchExitCodes = new Dictionary<ExitCode, string>
    {
        [ExitCode.Ok] = "switched",
        [ExitCode.Failed] = "when no flow of that name is in the rules folder or the history (nothing is switched)",
    };

    internal static Task<ExitCode> Switch(ParseResult parse, Console console, bool enabled)
    {
        var flow = parse.GetRequiredValue(FlowName);
        var rules = Path.GetFullPath(parse.GetValue(CommonOptions.Rules) ?? "rules");
        var inFolder = Directory.Exists(rules) ? FlowCatalog.FindFiles(rules).Select(f => FlowHeader.Read(f).Name).ToList() : [];
        using var store = StateStores.Open(CommonOptions.StatePath(parse));
        if (!inFolder.Contains(flow, StringComparer.Ordinal) && store.ListRuns(flow, 1).Count == 0)
        {
            var known = inFolder.Concat(store.ListRuns(null, 200).Select(r => r.Flow)).Distinct(StringComparer.Ordinal).ToList();
            console.Error($"no flow named '{flow}' in {rules} or in the history of {store.Location}; nothing switched" +
                NameSuggestion.Hint(flow, known) +
                (known.Count > 0 ? $" (flows: {string.Join(", ", known.Order(StringComparer.Ordinal))})" : "") +
                "; name the flow by its \"name\" as 'status' shows it, or pass --rules DIR");
            return Task.FromResult(ExitCode.Failed);
        }
        store.SetEnabled(flow, enabled, DateTimeOffset.UtcNow);
        console.Out(enabled
            ? $"{flow}: switched on; a running daemon runs it on its triggers from its next tick"
            : $"{flow}: switched off; a running daemon starts no new run of it (a run in flight finishes)");
        return Task.FromResult(ExitCode.Ok);
    }
}
