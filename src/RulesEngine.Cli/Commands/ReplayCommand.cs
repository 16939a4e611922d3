using System.CommandLine;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Output;
using RulesEngine.Cli.Progress;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class ReplayCommand
{
    private static readonly Argument<string> Flow = CommonOptions.FlowFile();

    private static readonly Option<string> Run = CommonOptions.Value("--run", "ID", "every row of that run (see 'rulesengine history'); with --row N, the row recorded as row N in it");

    private static readonly Option<int?> Row = CommonOptions.Number("--row", "N",
        "the row the history shows as row N (see above), or with --run the row recorded as row N in that run");

    private static readonly Option<bool> Failed = CommonOptions.Flag("--failed",
        "the flow's rows that need a person: pending (held), errored, delivery unknown, or with a failed step the flow did not handle");

    private static readonly Option<bool> Force = CommonOptions.Flag("--force", "call every step again, even those with recorded answers");

    public static VerbCommand Create() => new("replay", "run chosen rows again through the journal (--run ID, --row N or --failed)")
    {
        Details = """
            Runs chosen rows again through the journal. A step whose answer is recorded is not called again (its recorded
            answer is used, so If blocks route as before): only what is missing runs, such as the steps of a held
            (pending) row. With --force every step is called again, recorded or not; that repeats side effects (a
            contact is updated again, a Telegram message sent again): use it when you mean it.
            The "new rows" position never moves.

            Choose the rows with exactly one of --run ID (optionally with --row N), --row N or --failed. Rows are the
            rows the history shows, known by their recorded identity (their key), not by where they are in the sheet
            now: rows inserted or deleted above since then do not change which person a replay acts on.
              --run ID           every row of that run (see 'rulesengine history')
              --run ID --row N   the row recorded as row N in that run
              --row N            the row the history shows as row N: when every run that recorded a row N recorded the
                                 same row, that row; when different rows were recorded as row N (rows were inserted or
                                 deleted between runs), nothing is replayed and the candidates are listed (pick one with
                                 --run ID --row N); when no run recorded a row N, the sheet's row N as it is now
              --failed           the flow's rows that need a person
            """,
        Examples =
        [
            "rulesengine replay rules/helpcrunch-contacts.json --failed",
            "rulesengine replay rules/helpcrunch-contacts.json --row 12 --force",
            "rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3",
            "rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3 --row 7 --force",
        ],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "when the replay completed",
            [ExitCode.Failed] = "when the flow does not load",
            [ExitCode.Unavailable] = "when the source cannot be read, or the row named does not exist (that run recorded no row N; " +
                "no run recorded a row N and the sheet has none)",
            [ExitCode.Busy] = "when the flow is already running elsewhere",
            [ExitCode.NothingToReplay] = "when there is nothing to replay (no open rows; no usable row in that run)",
            [ExitCode.RowsNeedAPerson] = "with --fail-on-open, when rows still need a person after the replay",
            [ExitCode.Usage] = "also when --row N names different rows in different runs (the candidates are listed), or --run names no run of this flow",
        },
        Handler = RunAsync,
        Arguments = { Flow },
        Options = { Run, Row, Failed, Force, CommonOptions.Wait, CommonOptions.FailOnOpen, CommonOptions.Connections, CommonOptions.State },
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var runId = parse.GetValue(Run);
        var row = parse.GetValue(Row);
        var failed = parse.GetValue(Failed);
        var choices = new[] { runId is not null, row is not null && runId is null, failed }.Count(c => c);
        if (choices != 1) throw new UsageException("choose the rows with exactly one of --run ID (optionally with --row N), --row N or --failed");
        var flow = FlowSession.LoadOne(parse.GetRequiredValue(Flow), CommonOptions.ConnectionsPath(parse), console);
        if (flow is null) return ExitCode.Failed;
        using var store = StateStores.Open(CommonOptions.StatePath(parse));
        if (store.IsNew) console.Out(RunCommand.NewStateLine(store.Location, null)); // a replay on it has no history to act on
        var (items, exit) = await ChooseRowsAsync(runId, row, failed, flow, store, console, cancellationToken);
        if (items is null) return exit;
        if (items.Count == 0)
        {
            console.Out("no rows to replay");
            return ExitCode.NothingToReplay;
        }

        RunReport report;
        // Each row's line is written as its batch is recorded; the run keeps only counts (memory stays flat with the rows).
        using var lines = new RunLines(console.Writer);
        using (var progress = new RunProgressReporter(console, "replay", cancellationToken, lines)) // a line every few seconds; on Ctrl+C what was done
        {
            try
            {
                report = await new FlowRunner(store) { Progress = progress, RowRecorded = lines.Add, KeepRows = false }.ReplayAsync(flow, items, parse.GetValue(Force), cancellationToken, waitForLease: parse.GetValue(CommonOptions.Wait));
            }
            catch (FlowBusyException e)
            {
                console.Error(e.Message);
                return ExitCode.Busy;
            }
        }
        ReportPrinter.PrintRun(report, lines, console, replayed: true);
        if (report.Status != RunStatus.Completed) return ExitCode.Unavailable;
        return parse.GetValue(CommonOptions.FailOnOpen) && report.NeedsPerson > 0 ? ExitCode.RowsNeedAPerson : ExitCode.Ok;
    }

    /// <summary>The rows the options name, known by their recorded identity; null with the exit code when none can be
    /// taken.</summary>
    private static async Task<(IReadOnlyList<SourceItem>? Items, ExitCode Exit)> ChooseRowsAsync(
        string? runId, int? rowNumber, bool failed, Flow flow, IStateStore store, Console console, CancellationToken cancellationToken)
    {
        var sourceKey = flow.Source.PositionKey;
        if (runId is not null)
        {
            if (store.GetRun(runId) is not { } run) throw new UsageException($"no run '{runId}' in {store.Location}");
            if (run.Flow != flow.Name) throw new UsageException($"run {runId} is of flow '{run.Flow}', not '{flow.Name}'");
            var rows = store.ListRows(runId);
            if (rowNumber is { } inRun)
            {
                rows = [.. rows.Where(r => r.Number == inRun)];
                if (rows.Count == 0)
                {
                    console.Error($"run {runId} recorded no row {inRun}; see 'rulesengine history --run {runId}'");
                    return (null, ExitCode.Unavailable);
                }
            }
            return (ItemsOf(rows, sourceKey, console), ExitCode.Ok);
        }
        if (failed) return (ItemsOf(store.ListOpenRows(flow.Name), sourceKey, console), ExitCode.Ok);

        var number = rowNumber!.Value;
        var recorded = store.FindRows(flow.Name, number).Where(r => r.SourceKey == sourceKey).ToList();
        var distinct = recorded.DistinctBy(r => r.Key).ToList();
        if (distinct.Count > 1)
            throw new UsageException($"different rows were recorded as row {number} (rows were inserted or deleted between runs); " +
                $"replay the one you mean with --run ID --row {number}:" + Environment.NewLine +
                string.Join(Environment.NewLine, distinct.Select(r => $"  --run {r.RunId} --row {number}   {RowLabel.Of(r.Fields)}")));
        if (distinct.Count == 1) return (ItemsOf([recorded[0]], sourceKey, console), ExitCode.Ok);

        // No run recorded a row N: the sheet's row N as it is now (a row no run has seen yet).
        SourceItem? row;
        try
        {
            row = await flow.Source.ReadSampleAsync(number, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.Error($"could not read row {number}: {e.Message}");
            return (null, ExitCode.Unavailable);
        }
        if (row is null)
        {
            console.Error($"row {number} was never recorded, and in the sheet it is the header, blank, or past the end");
            return (null, ExitCode.Unavailable);
        }
        console.Out($"no run recorded a row {number}: replaying the sheet's row {number} as it is now ({RowLabel.Of(row.Fields)})");
        return ([row], ExitCode.Ok);
    }

    /// <summary>History lines as items again, under their recorded key and cells; lines recorded under another source
    /// (the flow now reads another sheet), and lines of an interrupted run whose cells were never recorded, are left
    /// out with a note.</summary>
    private static List<SourceItem> ItemsOf(IReadOnlyList<RowRecord> rows, string sourceKey, Console console)
    {
        var usable = rows.Where(r => r.Fields.Count > 0).ToList();
        if (usable.Count < rows.Count)
            console.Error($"{rows.Count - usable.Count} row(s) of an interrupted run have no recorded cells; left out (the next run takes them)");
        var items = usable.Where(r => r.SourceKey == sourceKey).Select(r => new SourceItem(r.Key, r.Number, r.Fields, "")).ToList();
        if (items.Count < usable.Count)
            console.Error($"{usable.Count - items.Count} row(s) were recorded from another sheet than the flow reads now ({sourceKey}); left out");
        return items;
    }
}
