using System.Diagnostics;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Running;

/// <summary>
/// Runs a flow once: reads the new items, walks them through the steps in batches, and records every answer in
/// the journal before the next step runs. The source position moves only past items whose outcome is recorded,
/// and never past a held item, so a crash or an outage replays at most the unrecorded part.
/// </summary>
public sealed class FlowRunner(IStateStore store, TimeProvider? clock = null)
{
    /// <summary>How long a run's lease lasts without renewal: a crashed run on another machine blocks its flow at
    /// most this long (on the same machine, the next run sees the process is gone and takes over at once).
    /// A live run renews it after every batch.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Where the evaluation notes of <see cref="EvaluationQuarantine"/> are kept (beside a SQLite state
    /// file by default); null turns quarantine off.</summary>
    public string? QuarantineDirectory { get; init; } = EvaluationQuarantine.DirectoryFor(store);
    private readonly string _owner = LeaseHolder.ForThisProcess();

    /// <summary>Runs the flow once, holding its lease. Throws <see cref="FlowBusyException"/> when another run holds
    /// it, unless <paramref name="waitForLease"/>, in which case it waits for the lease.</summary>
    public async Task<RunReport> RunAsync(Flow flow, CancellationToken cancellationToken, bool waitForLease)
    {
        await AcquireLeaseAsync(flow, waitForLease, cancellationToken);
        try
        {
            return await RunAsync(flow, cancellationToken);
        }
        finally
        {
            store.ReleaseLease(flow.Name, _owner);
        }
    }

    /// <summary>
    /// Runs chosen items again through the journal, holding the flow's lease: steps whose answers are recorded are
    /// replayed from the journal, not called, unless <paramref name="force"/>, which calls every step again (and
    /// resumes nothing). The source position never moves.
    /// </summary>
    public async Task<RunReport> ReplayAsync(Flow flow, IReadOnlyList<SourceItem> items, bool force, CancellationToken cancellationToken, bool waitForLease)
    {
        await AcquireLeaseAsync(flow, waitForLease, cancellationToken);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var (runId, run) = Begin(flow);
            var reports = new List<ItemReport>();
            try
            {
                await ProcessAsync(flow, run, items.DistinctBy(i => i.Key).Select(i => (i, false)).ToList(), movePosition: false, force, reports, cancellationToken);
                store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
                return new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", reports, 0,
                    force ? "replay --force: every step was called again" : "replay: steps with recorded answers were not called again", stopwatch.Elapsed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = SecretRedactor.Redact(e.Message);
                store.FinishRun(runId, RunStatus.Failed, error, _clock.GetUtcNow());
                return new RunReport(runId, flow.Name, run.Link, RunStatus.Failed, error, reports, 0, "", stopwatch.Elapsed);
            }
            catch (OperationCanceledException)
            {
                store.FinishRun(runId, RunStatus.Failed, Stopped, _clock.GetUtcNow());
                throw;
            }
        }
        finally
        {
            store.ReleaseLease(flow.Name, _owner);
        }
    }

    public static string LinkFor(Flow flow, string runId) =>
        flow.RunLink.Replace("{flow}", Uri.EscapeDataString(flow.Name)).Replace("{runId}", runId);

    /// <summary>Runs the flow once. The caller holds the flow's lease (see the overload that takes it).</summary>
    public async Task<RunReport> RunAsync(Flow flow, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var (runId, run) = Begin(flow);
        var sourceKey = flow.Source.PositionKey;
        var reports = new List<ItemReport>();
        try
        {
            var position = store.GetPosition(flow.Name, sourceKey);
            if (position is null && flow.ExistingRows == ExistingRows.Skip)
            {
                store.SetPosition(flow.Name, sourceKey, await flow.Source.ReadEndPositionAsync(cancellationToken));
                store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
                return new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", reports, 0,
                    "first run with \"existingRows\": \"skip\": rows already in the source were skipped; rows added from now on will be processed",
                    stopwatch.Elapsed);
            }

            var read = await flow.Source.ReadNewAsync(position, cancellationToken);
            if (read.Items.Count == 0 && read.PositionWhenNoItems is { } idle)
                store.SetPosition(flow.Name, sourceKey, idle);

            // An item is known by its key: a second item with the same key in one read (a row pasted twice) is the
            // same item, passed over like one an earlier run recorded; walking both could create a contact twice.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var items = read.Items.Select(i => (i, !seen.Add(i.Key) || store.IsItemRecorded(flow.Name, sourceKey, i.Key))).ToList();
            await ProcessAsync(flow, run, items, movePosition: true, force: false, reports, cancellationToken);
            var alreadyRecorded = items.Count(i => i.Item2);
            store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
            return new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", reports, alreadyRecorded, "", stopwatch.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = SecretRedactor.Redact(e.Message);
            store.FinishRun(runId, RunStatus.Failed, error, _clock.GetUtcNow());
            return new RunReport(runId, flow.Name, run.Link, RunStatus.Failed, error, reports, 0, "", stopwatch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            // Stopped at once (a second signal): the history must not show this run as still running.
            store.FinishRun(runId, RunStatus.Failed, Stopped, _clock.GetUtcNow());
            throw;
        }
    }

    private const string Stopped = "stopped before the end; rows without a recorded outcome are taken by the next run";

    private (string RunId, RunInfo Run) Begin(Flow flow)
    {
        var started = _clock.GetUtcNow();
        var runId = store.BeginRun(flow.Name, started);
        return (runId, new RunInfo(flow.Name, runId, started, LinkFor(flow, runId)));
    }

    /// <param name="items">In source order; <c>Recorded</c>: an earlier run finished it, so it is only passed over.</param>
    private async Task ProcessAsync(Flow flow, RunInfo run, IReadOnlyList<(SourceItem Item, bool Recorded)> items, bool movePosition, bool force,
        List<ItemReport> reports, CancellationToken cancellationToken)
    {
        var sourceKey = flow.Source.PositionKey;
        var walker = new StepWalker(
            async (step, batch) => await step.Receiver.ExecuteAsync(batch.Select(i => i.Scope).ToList(), cancellationToken),
            new StoreJournal(store, run.Id, flow.Name, sourceKey, _clock),
            _clock, run.Id, cancellationToken);
        var blocked = false; // once an item is held, the position stays before it
        using var quarantine = EvaluationQuarantine.Open(QuarantineDirectory, flow.Name);
        foreach (var chunk in items.Chunk(flow.BatchSize))
        {
            var batch = new List<ItemRun>();
            var order = new List<(SourceItem Item, ItemRun? Run)>();
            foreach (var (item, recorded) in chunk)
            {
                if (recorded)
                {
                    order.Add((item, null));
                    continue;
                }
                var itemRun = force
                    ? new ItemRun(item, item.ToScope(run), new Dictionary<string, RecordedStep>())
                    : new ItemRun(item, item.ToScope(run),
                        store.GetRecordedSteps(flow.Name, sourceKey, item.Key), store.GetInFlight(flow.Name, sourceKey, item.Key));
                quarantine?.Admit(itemRun);
                if (!itemRun.Stopped) ApplyFilter(flow, itemRun);
                batch.Add(itemRun);
                order.Add((item, itemRun));
            }

            await walker.WalkAsync(flow.Steps, batch.Where(i => !i.Stopped).ToList());

            store.RenewLease(flow.Name, _owner, LeaseDuration, _clock.GetUtcNow());
            foreach (var (item, itemRun) in order)
            {
                if (itemRun is null)
                {
                    if (movePosition && !blocked) store.SetPosition(flow.Name, sourceKey, item.PositionAfter);
                    continue;
                }
                if (itemRun.Status == RowStatus.Held) blocked = true;
                var report = itemRun.ToReport();
                store.CompleteItem(run.Id, flow.Name, sourceKey, item, itemRun.Status, report.FailedSteps, itemRun.Error,
                    movePosition && !blocked ? item.PositionAfter : null);
                quarantine?.Recorded(item.Key);
                reports.Add(report);
            }
        }
    }

    private async Task AcquireLeaseAsync(Flow flow, bool waitForLease, CancellationToken cancellationToken)
    {
        while (store.TryAcquireLease(flow.Name, _owner, LeaseDuration, _clock.GetUtcNow()) is { } holder)
        {
            // A run on this machine that crashed (kill -9, power loss) cannot release its lease; do not make the
            // next run wait for it to expire.
            if (LeaseHolder.IsGone(holder) && store.TakeOverLease(flow.Name, _owner, holder, LeaseDuration, _clock.GetUtcNow())) return;
            if (!waitForLease) throw new FlowBusyException(flow.Name, holder);
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, cancellationToken);
        }
    }

    private static void ApplyFilter(Flow flow, ItemRun item)
    {
        if (flow.Filter is null) return;
        item.Scope.CurrentStep = "source filter";
        try
        {
            if (!flow.Filter.Evaluate(item.Scope))
            {
                item.Status = RowStatus.Skipped;
                item.Error = "the data filter rejected this row";
            }
        }
        catch (ExpressionException e)
        {
            item.Status = RowStatus.Error;
            item.Error = $"filter: {e.Message}";
        }
    }
}
