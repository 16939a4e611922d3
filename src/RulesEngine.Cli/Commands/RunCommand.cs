using System.CommandLine;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Output;
using RulesEngine.Cli.Progress;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class RunCommand
{
    private static readonly Argument<string> Flow = CommonOptions.FlowFile();

    public static VerbCommand Create() => new("run", "run a flow once, now, and print what happened to each new row")
    {
        Details = """
            Runs the flow once, now (a "force run"): reads the rows added since the last run, sends each through the
            steps, records every outcome, and prints a line per row. Two runs with the same state never process a row
            twice, and two processes never run the same flow at once.
            A run on a state file that did not exist says so on its first line ("new state file PATH: N existing row(s)
            will be processed"): a wrong --state or an unset $RULESENGINE_STATE would otherwise process every row again.
            The summary counts the rows that need a person (held, errors, delivery unknown, a failed step the flow did
            not handle) apart from failures the flow handled (an update that failed, then a create that succeeded), and
            lists them at the end.
            """,
        Examples =
        [
            "rulesengine run rules/helpcrunch-contacts.json",
            "rulesengine run rules/helpcrunch-contacts.json --connections prod.json --state /var/lib/rulesengine/state.db",
        ],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "when the run completed (even if some steps failed for some rows: that is data)",
            [ExitCode.Failed] = "when the flow does not load",
            [ExitCode.Unavailable] = "when the source cannot be read",
            [ExitCode.Busy] = "when the flow is already running elsewhere",
            [ExitCode.RowsNeedAPerson] = "with --fail-on-open, when the run completed and some rows need a person",
        },
        Handler = RunAsync,
        Arguments = { Flow },
        Options = { CommonOptions.Connections, CommonOptions.State, CommonOptions.Wait, CommonOptions.FailOnOpen },
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var flow = FlowSession.LoadOne(parse.GetRequiredValue(Flow), CommonOptions.ConnectionsPath(parse), console);
        if (flow is null) return ExitCode.Failed;
        using var store = StateStores.Open(CommonOptions.StatePath(parse));
        var announced = false;
        void Announce(SourceSummary? read)
        {
            if (announced || !store.IsNew) return;
            announced = true;
            console.Out(NewStateLine(store.Location, read));
        }
        RunReport report;
        // Each row's line is written as its batch is recorded; the run keeps only counts (memory stays flat with the rows).
        using var lines = new RunLines(console.Writer);
        using (var progress = new RunProgressReporter(console, "run", cancellationToken, lines)) // a line every few seconds; on Ctrl+C what was done
        {
            try
            {
                report = await new FlowRunner(store) { ItemsRead = Announce, Progress = progress, RowRecorded = lines.Add, KeepRows = false }.RunAsync(flow, cancellationToken, waitForLease: parse.GetValue(CommonOptions.Wait));
            }
            catch (FlowBusyException e)
            {
                console.Error(e.Message);
                return ExitCode.Busy;
            }
            catch (LeaseLostException e) when (!cancellationToken.IsCancellationRequested)
            {
                console.Error(e.Message);
                return ExitCode.Unavailable;
            }
        }
        Announce(null); // the source could not be read: still say the file is new, first
        ReportPrinter.PrintRun(report, lines, console);
        if (report.Status != RunStatus.Completed) return ExitCode.Unavailable;
        return parse.GetValue(CommonOptions.FailOnOpen) && report.NeedsPerson > 0 ? ExitCode.RowsNeedAPerson : ExitCode.Ok;
    }

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
