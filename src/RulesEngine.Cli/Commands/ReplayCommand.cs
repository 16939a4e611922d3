using RulesEngine.Cli.Progress;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class ReplayCommand
{
    public const string Help = """
        Usage: rulesengine replay <flow.json> (--run ID | --row N | --failed) [--force] [--wait] [--connections FILE] [--state PATH]

        Runs chosen rows again through the journal. A step whose answer is recorded is not called again (its recorded
        answer is used, so If blocks route as before): only what is missing runs, such as the steps of a held
        (pending) row. With --force every step is called again, recorded or not; that repeats side effects (a
        contact is updated again, a Telegram message sent again): use it when you mean it.
        The "new rows" position never moves.

        Rows:
          --run ID     every row of that run (see 'rulesengine history')
          --row N      the sheet's row N as it is now
          --failed     the flow's open rows: pending (held), errored, or with a failed step

        Options:
          --force              call every step again, even those with recorded answers
          --wait               if the flow is already running, wait for that run to end instead of exiting
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --state PATH         the state file (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Exit codes as for 'run'; 4 when no row matched.

        Examples:
          rulesengine replay rules/helpcrunch-contacts.json --failed
          rulesengine replay rules/helpcrunch-contacts.json --row 12 --force
          rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("run", "row", "failed", "force", "wait", "connections", "state");
        if (args.Positionals.Count != 1) throw new UsageException("name exactly one flow file");
        var choices = new[] { args.Has("run"), args.Has("row"), args.Has("failed") }.Count(c => c);
        if (choices != 1) throw new UsageException("choose the rows with exactly one of --run ID, --row N or --failed");
        var flow = FlowSession.LoadOne(args.Positionals[0], args.ConnectionsPath(), console);
        if (flow is null) return 1;
        using var store = new SqliteStateStore(args.StatePath());

        IReadOnlyList<SourceItem> items;
        if (args.Get("run") is { } runId)
        {
            if (store.GetRun(runId) is not { } run) throw new UsageException($"no run '{runId}' in {store.Path}");
            if (run.Flow != flow.Name) throw new UsageException($"run {runId} is of flow '{run.Flow}', not '{flow.Name}'");
            items = ItemsOf(store.ListRows(runId), flow.Source.PositionKey, console);
        }
        else if (args.Has("failed"))
        {
            items = ItemsOf(store.ListOpenRows(flow.Name), flow.Source.PositionKey, console);
        }
        else
        {
            var number = args.Int("row")!.Value;
            SourceItem? row;
            try
            {
                row = await flow.Source.ReadSampleAsync(number, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                console.Error($"could not read row {number}: {e.Message}");
                return 2;
            }
            if (row is null)
            {
                console.Error($"row {number} is the header, blank, or past the end of the sheet");
                return 4;
            }
            items = [row];
        }
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
        return report.Status == RunStatus.Completed ? 0 : 2;
    }

    /// <summary>History lines as items again; lines recorded under another source (the flow now reads another sheet)
    /// are left out, with a note.</summary>
    private static List<SourceItem> ItemsOf(IReadOnlyList<RowRecord> rows, string sourceKey, Console console)
    {
        var items = rows.Where(r => r.SourceKey == sourceKey).Select(r => new SourceItem(r.Key, r.Number, r.Fields, "")).ToList();
        if (items.Count < rows.Count)
            console.Error($"{rows.Count - items.Count} row(s) were recorded from another sheet than the flow reads now ({sourceKey}); left out");
        return items;
    }
}
