using RulesEngine.Cli.Progress;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class RunCommand
{
    public const string Help = """
        Usage: rulesengine run <flow.json> [--connections FILE] [--state PATH] [--wait]

        Runs the flow once, now (a "force run"): reads the rows added since the last run, sends each through the
        steps, records every outcome, and prints a line per row. Two runs with the same state never process a row
        twice, and two processes never run the same flow at once.
        Exit code 0 when the run completed (even if some steps failed for some rows: that is data), 1 when the flow
        does not load, 2 when the source cannot be read, 3 when the flow is already running elsewhere.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --state PATH         the state file, SQLite (default: $RULESENGINE_STATE or ./state/rulesengine.db)
          --wait               if the flow is already running, wait for that run to end instead of exiting

        Examples:
          rulesengine run rules/helpcrunch-contacts.json
          rulesengine run rules/helpcrunch-contacts.json --connections prod.json --state /var/lib/rulesengine/state.db
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "state", "wait");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow file");
        var flow = FlowSession.LoadOne(args.Positionals[0], args.ConnectionsPath(), console);
        if (flow is null) return 1;
        using var store = new SqliteStateStore(args.StatePath());
        RunReport report;
        using (var progress = new RunProgressReporter(console, "run", cancellationToken)) // a line every few seconds; on Ctrl+C what was done
        try
        {
            report = await new FlowRunner(store) { Progress = progress }.RunAsync(flow, cancellationToken, waitForLease: args.Has("wait"));
        }
        catch (FlowBusyException e)
        {
            console.Error(e.Message);
            return 3;
        }
        ReportPrinter.PrintRun(report, console);
        return report.Status == RunStatus.Completed ? 0 : 2;
    }
}
