using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

/// <summary><c>enable</c> and <c>disable</c>: the persisted on/off switch a running daemon reads every second.</summary>
internal static class EnableCommand
{
    public const string Help = """
        Usage: rulesengine enable <flow name> [--state PATH]

        Switches the flow on: the daemon (serve) runs it on its triggers again. A running daemon picks the switch
        up within a second; no restart. Flows are on until switched off. 'run' works whether a flow is on or off.

        Options:
          --state PATH   the state file (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Example:
          rulesengine enable helpcrunch-contacts
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken) =>
        Switch(args, console, enabled: true);

    internal static Task<int> Switch(Arguments args, Console console, bool enabled)
    {
        args.Allow("state");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow (its \"name\", as 'status' shows it)");
        var flow = args.Positionals[0];
        using var store = new SqliteStateStore(args.StatePath());
        store.SetEnabled(flow, enabled, DateTimeOffset.UtcNow);
        console.Out(enabled
            ? $"{flow}: switched on; a running daemon runs it on its triggers from its next tick"
            : $"{flow}: switched off; a running daemon starts no new run of it (a run in flight finishes)");
        return Task.FromResult(0);
    }
}
