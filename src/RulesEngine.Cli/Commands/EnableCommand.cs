using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

/// <summary><c>enable</c> and <c>disable</c>: the persisted on/off switch a running daemon reads every second.</summary>
internal static class EnableCommand
{
    public const string Help = """
        Usage: rulesengine enable <flow name> [--rules DIR] [--state PATH]

        Switches the flow on: the daemon (serve) runs it on its triggers again. A running daemon picks the switch
        up within a second; no restart. Flows are on until switched off. 'run' works whether a flow is on or off.
        The name must be a flow of the rules folder or one the state file has runs of; otherwise nothing is
        written and the exit code is 1 (a typo must not look like success).

        Options:
          --rules DIR    the folder of flow files the name is looked up in (default: ./rules)
          --state PATH   the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Example:
          rulesengine enable helpcrunch-contacts
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken) =>
        Switch(args, console, enabled: true);

    internal static Task<int> Switch(Arguments args, Console console, bool enabled)
    {
        args.Allow("rules", "state");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow (its \"name\", as 'status' shows it)");
        var flow = args.Positionals[0];
        var rules = Path.GetFullPath(args.Get("rules") ?? "rules");
        var inFolder = Directory.Exists(rules) ? FlowCatalog.FindFiles(rules).Select(f => FlowHeader.Read(f).Name).ToList() : [];
        using var store = StateStores.Open(args.StatePath());
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
