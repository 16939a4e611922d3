using RulesEngine.Cli.Progress;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class ReplayCommand
{
    public const string Help = """
        Usage: rulesengine replay <flow.json> (--run ID [--row N] | --row N | --failed) [--force] [--wait] [--fail-on-open]
                                  [--connections FILE] [--state PATH]

        Runs chosen rows again through the journal. A step whose answer is recorded is not called again (its recorded
        answer is used, so If blocks route as before): only what is missing runs, such as the steps of a held
        (pending) row. With --force every step is called again, recorded or not; that repeats side effects (a
        contact is updated again, a Telegram message sent again): use it when you mean it.
        The "new rows" position never moves.

        Rows are the rows the history shows, known by their recorded identity (their key), not by where they are in
        the sheet now: rows inserted or deleted above since then do not change which person a replay acts on.
          --run ID           every row of that run (see 'rulesengine history')
          --run ID --row N   the row recorded as row N in that run
          --row N            the row the history shows as row N: when every run that recorded a row N recorded the
                             same row, that row; when different rows were recorded as row N (rows were inserted or
                             deleted between runs), nothing is replayed and the candidates are listed (pick one with
                             --run ID --row N); when no run recorded a row N, the sheet's row N as it is now
          --failed           the flow's rows that need a person: pending (held), errored, delivery unknown, or with a
                             failed step the flow did not handle

        Options:
          --force              call every step again, even those with recorded answers
          --wait               if the flow is already running, wait for that run to end instead of exiting
          --fail-on-open       exit 5 when rows still need a person after the replay
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --state PATH         the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Exit codes as for 'run'; 4 when no row matched; 64 when --row N is ambiguous (the candidates are listed)
        or --run names no run of this flow.

        Examples:
          rulesengine replay rules/helpcrunch-contacts.json --failed
          rulesengine replay rules/helpcrunch-contacts.json --row 12 --force
          rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3
          rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3 --row 7 --force
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("run", "row", "failed", "force", "wait", "fail-on-open", "connections", "state");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow file");
        var choices = new[] { args.Has("run"), args.Has("row") && !args.Has("run"), args.Has("failed") }.Count(c => c);
        if (choices != 1) throw new UsageException("choose the rows with exactly one of --run ID (optionally with --row N), --row N or --failed");
        var flow = FlowSession.LoadOne(args.Positionals[0], args.ConnectionsPath(), console);
        if (flow is null) return 1;
        using var store = StateStores.Open(args.StatePath());
        if (store.IsNew) console.Out(RunCommand.NewStateLine(store.Location, null)); // a replay on it has no history to act on
        var (items, exit) = await ChooseRowsAsync(args, flow, store, console, cancellationToken);
        if (items is null) return exit;
        if (items.Count == 0)
        {
            console.Out("no rows to replay");
            return 4;
        }

        RunReport report;
        using (var progress = new RunProgressReporter(console, "replay", cancellationToken)) // a line every few seconds; on Ctrl+C what was done
        try
        {
            report = await new FlowRunner(store) { Progress = progress }.ReplayAsync(flow, items, args.Has("force"), cancellationToken, waitForLease: args.Has("wait"));
        }
        catch (FlowBusyException e)
        {
            console.Error(e.Message);
            return 3;
        }
        ReportPrinter.PrintRun(report, console, replayed: true);
        if (report.Status != RunStatus.Completed) return 2;
        return args.Has("fail-on-open") && report.NeedsPerson > 0 ? RunCommand.OpenRows : 0;
    }

    /// <summary>The rows the options name, known by their recorded identity; null with the exit code when none can be
    /// taken.</summary>
    private static async Task<(IReadOnlyList<SourceItem>? Items, int Exit)> ChooseRowsAsync(
        Arguments args, Flow flow, IStateStore store, Console console, CancellationToken cancellationToken)
    {
        var sourceKey = flow.Source.PositionKey;
        if (args.Get("run") is { } runId)
        {
            if (store.GetRun(runId) is not { } run) throw new UsageException($"no run '{runId}' in {store.Location}");
            if (run.Flow != flow.Name) throw new UsageException($"run {runId} is of flow '{run.Flow}', not '{flow.Name}'");
            var rows = store.ListRows(runId);
            if (args.Int("row") is { } inRun)
            {
                rows = [.. rows.Where(r => r.Number == inRun)];
                if (rows.Count == 0)
                {
                    console.Error($"run {runId} recorded no row {inRun}; see 'rulesengine history --run {runId}'");
                    return (null, 4);
                }
            }
            return (ItemsOf(rows, sourceKey, console), 0);
        }
        if (args.Has("failed")) return (ItemsOf(store.ListOpenRows(flow.Name), sourceKey, console), 0);

        var number = args.Int("row")!.Value;
        var recorded = store.FindRows(flow.Name, number).Where(r => r.SourceKey == sourceKey).ToList();
        var distinct = recorded.DistinctBy(r => r.Key).ToList();
        if (distinct.Count > 1)
            throw new UsageException($"different rows were recorded as row {number} (rows were inserted or deleted between runs); " +
                $"replay the one you mean with --run ID --row {number}:" + Environment.NewLine +
                string.Join(Environment.NewLine, distinct.Select(r => $"  --run {r.RunId} --row {number}   {RowLabel.Of(r.Fields)}")));
        if (distinct.Count == 1) return (ItemsOf([recorded[0]], sourceKey, console), 0);

        // No run recorded a row N: the sheet's row N as it is now (a row no run has seen yet).
        SourceItem? row;
        try
        {
            row = await flow.Source.ReadSampleAsync(number, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.Error($"could not read row {number}: {e.Message}");
            return (null, 2);
        }
        if (row is null)
        {
            console.Error($"row {number} was never recorded, and in the sheet it is the header, blank, or past the end");
            return (null, 4);
        }
        console.Out($"no run recorded a row {number}: replaying the sheet's row {number} as it is now ({RowLabel.Of(row.Fields)})");
        return ([row], 0);
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
