using RulesEngine.Cli.Progress;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class RunCommand
{
    public const string Help = """
        Usage: rulesengine run <flow.json> [--connections FILE] [--state PATH] [--wait] [--fail-on-open]

        Runs the flow once, now (a "force run"): reads the rows added since the last run, sends each through the
        steps, records every outcome, and prints a line per row. Two runs with the same state never process a row
        twice, and two processes never run the same flow at once.
        A run on a state file that did not exist says so on its first line ("new state file PATH: N existing row(s)
        will be processed"): a wrong --state or an unset $RULESENGINE_STATE would otherwise process every row again.
        The summary counts the rows that need a person (held, errors, delivery unknown, a failed step the flow did
        not handle) apart from failures the flow handled (an update that failed, then a create that succeeded), and
        lists them at the end.
        Exit code 0 when the run completed (even if some steps failed for some rows: that is data), 1 when the flow
        does not load, 2 when the source cannot be read, 3 when the flow is already running elsewhere; with
        --fail-on-open, 5 when the run completed and some rows need a person.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --state PATH         the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)
          --wait               if the flow is already running, wait for that run to end instead of exiting
          --fail-on-open       exit 5 when rows need a person (for scripts and CI; without it such a run exits 0)

        Examples:
          rulesengine run rules/helpcrunch-contacts.json
          rulesengine run rules/helpcrunch-contacts.json --connections prod.json --state /var/lib/rulesengine/state.db
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "state", "wait", "fail-on-open");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow file");
        var flow = FlowSession.LoadOne(args.Positionals[0], args.ConnectionsPath(), console);
        if (flow is null) return 1;
        using var store = StateStores.Open(args.StatePath());
        var announced = false;
        void Announce(SourceSummary? read)
        {
            if (announced || !store.IsNew) return;
            announced = true;
            console.Out(NewStateLine(store.Location, read));
        }
        RunReport report;
        using (var progress = new RunProgressReporter(console, "run", cancellationToken)) // a line every few seconds; on Ctrl+C what was done
        try
        {
            report = await new FlowRunner(store) { ItemsRead = Announce, Progress = progress }.RunAsync(flow, cancellationToken, waitForLease: args.Has("wait"));
        }
        catch (FlowBusyException e)
        {
            console.Error(e.Message);
            return 3;
        }
        Announce(null); // the source could not be read: still say the file is new, first
        ReportPrinter.PrintRun(report, console);
        if (report.Status != RunStatus.Completed) return 2;
        return args.Has("fail-on-open") && report.NeedsPerson > 0 ? OpenRows : 0;
    }

    /// <summary>The exit code of a completed run with rows that need a person, with --fail-on-open.</summary>
    public const int OpenRows = 5;

    /// <summary>The first line of a run on a state file it created: the path, and what the run will do, because a
    /// state file that knows no row means every row of the source is processed (and alerted) again.</summary>
    public static string NewStateLine(string path, SourceSummary? read) => read switch
    {
        null => $"new {StateStores.Noun(path)} {path}: nothing was recorded before this run",
        { SkippedExisting: true } => $"new {StateStores.Noun(path)} {path}: \"existingRows\": \"skip\", so the rows already in the source are skipped; only rows added from now on will be processed",
        _ => $"new {StateStores.Noun(path)} {path}: {read.ToProcess} existing row(s) will be processed" +
            (read.ToProcess > 0 ? " (if this flow has run before, that state file is elsewhere: check --state and $RULESENGINE_STATE)" : ""),
    };
}
