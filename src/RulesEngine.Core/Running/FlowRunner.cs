using System.Diagnostics;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Core.Running;

/// <summary>
/// Runs a flow once: reads the new items, walks them through the steps in batches, and records every answer in
/// the journal before the next step runs. The source position moves only past items whose outcome is recorded,
/// and never past a held item, so a crash or an outage replays at most the unrecorded part.
/// </summary>
internal sealed class FlowRunner(IStateStore store, TimeProvider? clock = null)
{
    /// <summary>How long a run's lease lasts without renewal: a crashed run on another machine blocks its flow at
    /// most this long (on the same machine, the next run sees the process is gone and takes over at once).
    /// A live run renews it every few seconds and acts only while a recent renewal succeeded (see <see cref="RunLease"/>).</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Told the row count when it is known and each row as it is recorded (the CLI's progress line).</summary>
    public IRunProgress? Progress { get; init; }
    /// <summary>Where the evaluation notes of <see cref="EvaluationQuarantine"/> are kept (beside a SQLite state
    /// file by default, in the machine's application data for a database); null turns quarantine off.</summary>
    public string? QuarantineDirectory { get; init; } = EvaluationQuarantine.DirectoryFor(store);
    /// <summary>The cluster this process is a node of (null outside a cluster): its leases name the node, and a lease
    /// whose node stopped checking in is taken over once it also went unrenewed for <see cref="RunLease.UnrenewedBeforeTakeover"/>
    /// (see <see cref="IClusterMembers"/>), not only when it expires.</summary>
    public IClusterMembers? Cluster { get; init; }
    private string? _ownerName;
    /// <summary>The name this runner takes leases and begins runs under (<see cref="LeaseHolder.ForThisProcess"/>).
    /// Given when several runners stand for one process (the daemon's runner per run); otherwise built on first use
    /// (Cluster is set by an initializer, after field initializers run), and published once for every thread: each build
    /// carries a new random suffix, so two concurrent first runs building their own would take a lease under one name
    /// and release it under the other, leaving it held until it expires.</summary>
    public string Owner
    {
        get => LazyInitializer.EnsureInitialized(ref _ownerName, () => LeaseHolder.ForThisProcess(Cluster?.NodeId));
        init => _ownerName = value;
    }

    /// <summary>Called once a run knows what it will do, before any row is processed: how many rows it will process
    /// and how many the state already knew (see <see cref="SourceSummary"/>). <c>run</c> uses it to warn about a new
    /// state file before anything is sent.</summary>
    public Action<SourceSummary>? ItemsRead { get; init; }

    /// <summary>Called with each row's report right after its outcome is committed to the journal, in source order,
    /// on the run's own flow (<c>run</c> writes the row's line from here). The run does not keep the report unless
    /// <see cref="KeepRows"/>.</summary>
    public Action<ItemReport>? RowRecorded { get; init; }

    /// <summary>Whether the <see cref="RunReport"/> carries every row's report in <see cref="RunReport.Items"/>. A run
    /// over a big sheet should not: each report costs a few KB until the run ends, so <c>run</c>, <c>replay</c> and
    /// <c>serve</c> take the rows from <see cref="RowRecorded"/> and keep only the counts (<see cref="RowTally"/>).</summary>
    public bool KeepRows { get; init; } = true;

    /// <summary>Runs the flow once, holding its lease. Throws <see cref="FlowBusyException"/> when another run holds
    /// it, unless <paramref name="waitForLease"/>, in which case it waits for the lease.</summary>
    public async Task<RunReport> RunAsync(Flow flow, CancellationToken cancellationToken, bool waitForLease)
    {
        var acquiredAt = await AcquireLeaseAsync(flow, waitForLease, cancellationToken);
        try
        {
            using var lease = new RunLease(store, flow.Name, Owner, LeaseDuration, _clock, acquiredAt, cancellationToken);
            try
            {
                return await ObservedAsync(flow, "run", () => RunOnceAsync(flow, lease, lease.Token));
            }
            catch (OperationCanceledException) when (lease.LostReason is { } reason && !cancellationToken.IsCancellationRequested)
            {
                throw new LeaseLostException(flow.Name, reason);
            }
        }
        finally
        {
            store.ReleaseLease(flow.Name, Owner);
        }
    }

    /// <summary>
    /// Runs chosen items again through the journal, holding the flow's lease: steps whose answers are recorded are
    /// replayed from the journal, not called, unless <paramref name="force"/>, which calls every step again (and
    /// resumes nothing). The source position never moves.
    /// </summary>
    public Task<RunReport> ReplayAsync(Flow flow, IReadOnlyList<SourceItem> items, bool force, CancellationToken cancellationToken, bool waitForLease) =>
        ObservedAsync(flow, "replay", () => ReplayOnceAsync(flow, items, force, cancellationToken, waitForLease));

    private async Task<RunReport> ReplayOnceAsync(Flow flow, IReadOnlyList<SourceItem> items, bool force, CancellationToken cancellationToken, bool waitForLease)
    {
        var acquiredAt = await AcquireLeaseAsync(flow, waitForLease, cancellationToken);
        using var lease = new RunLease(store, flow.Name, Owner, LeaseDuration, _clock, acquiredAt, cancellationToken);
        cancellationToken = lease.Token;
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var (runId, run) = Begin(flow);
            var rows = new RunRows(KeepRows);
            try
            {
                var chosen = items.DistinctBy(i => i.Key).ToList();
                Progress?.Started(runId, chosen.Count);
                await ProcessAsync(flow, run, lease, new RunItems(chosen), movePosition: false, force, rows, cancellationToken);
                store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
                return rows.Report(new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", [], 0,
                    force ? "replay --force: every step was called again" : "replay: steps with recorded answers were not called again", stopwatch.Elapsed));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var error = SecretRedactor.Redact(e.Message);
                store.FinishRun(runId, RunStatus.Failed, error, _clock.GetUtcNow());
                return rows.Report(new RunReport(runId, flow.Name, run.Link, RunStatus.Failed, error, [], 0, "", stopwatch.Elapsed));
            }
            catch (OperationCanceledException)
            {
                store.FinishRun(runId, RunStatus.Failed, lease.LostReason ?? Stopped, _clock.GetUtcNow());
                if (lease.LostReason is { } reason) throw new LeaseLostException(flow.Name, reason);
                throw;
            }
        }
        finally
        {
            store.ReleaseLease(flow.Name, Owner);
        }
    }

    public static string LinkFor(Flow flow, string runId) =>
        flow.RunLink.Replace("{flow}", Uri.EscapeDataString(flow.Name)).Replace("{runId}", runId);

    /// <summary>Runs the flow once. The caller holds the flow's lease (see the overload that takes it).</summary>
    public Task<RunReport> RunAsync(Flow flow, CancellationToken cancellationToken) =>
        ObservedAsync(flow, "run", () => RunOnceAsync(flow, lease: null, cancellationToken));

    /// <param name="lease">The lease this run holds, checked before every call that acts on a service; null when
    /// the caller holds it.</param>
    private async Task<RunReport> RunOnceAsync(Flow flow, RunLease? lease, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var (runId, run) = Begin(flow);
        var sourceKey = flow.Source.PositionKey;
        var rows = new RunRows(KeepRows);
        try
        {
            var position = store.GetPosition(flow.Name, sourceKey);
            if (position is null && flow.ExistingRows == ExistingRows.Skip)
            {
                ItemsRead?.Invoke(new SourceSummary(0, 0, SkippedExisting: true));
                MovePosition(flow, runId, lease, await flow.Source.ReadEndPositionAsync(new StoreRecordedItems(store, runId, flow.Name, sourceKey), cancellationToken));
                store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
                return rows.Report(new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", [], 0,
                    "first run with \"existingRows\": \"skip\": rows already in the source were skipped; rows added from now on will be processed",
                    stopwatch.Elapsed));
            }

            using var items = await ReadNewItemsAsync(flow, position, runId, lease, cancellationToken);
            var alreadyRecorded = items.Recorded.Count(r => r);
            ItemsRead?.Invoke(new SourceSummary(items.Count - alreadyRecorded, alreadyRecorded, SkippedExisting: false));
            Progress?.Started(runId, items.Count - alreadyRecorded);
            await ProcessAsync(flow, run, lease, items, movePosition: true, force: false, rows, cancellationToken);
            store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
            return rows.Report(new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", [], alreadyRecorded, "", stopwatch.Elapsed));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = SecretRedactor.Redact(e.Message);
            store.FinishRun(runId, RunStatus.Failed, error, _clock.GetUtcNow());
            return rows.Report(new RunReport(runId, flow.Name, run.Link, RunStatus.Failed, error, [], 0, "", stopwatch.Elapsed));
        }
        catch (OperationCanceledException)
        {
            // Stopped at once (a second signal, or the lease lost): the history must not show this run as still running.
            store.FinishRun(runId, RunStatus.Failed, lease?.LostReason ?? Stopped, _clock.GetUtcNow());
            throw;
        }
    }

    /// <summary>The source's new items in order, each marked when an earlier run recorded it; the run takes them batch
    /// by batch and keeps none it has walked (<see cref="RunItems"/>).</summary>
    private async Task<RunItems> ReadNewItemsAsync(Flow flow, string? position, string runId, RunLease? lease, CancellationToken cancellationToken)
    {
        var sourceKey = flow.Source.PositionKey;
        // What start-up left (loading the flow and its expressions) goes before the read adds its own.
        var youngHeap = new YoungHeapCap(YoungHeapCap.DefaultBudget);
        youngHeap.Collect();
        var read = await flow.Source.ReadNewAsync(position, new StoreRecordedItems(store, runId, flow.Name, sourceKey), cancellationToken);
        youngHeap.CollectIfDue();
        if (read.Items.Count == 0 && read.PositionWhenNoItems is { } idle)
            MovePosition(flow, runId, lease, idle);

        // An item is known by its key: a second item with the same key in one read (a row pasted twice) is the
        // same item, passed over like one an earlier run recorded; walking both could create a contact twice.
        var items = new RunItems(read.Items);
        try
        {
            // Asked in bulk: one question per thousand keys instead of one per item.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var asking = new List<(int Index, string Key)>(KeysPerQuestion);
            for (var i = 0; i < items.Count; i++)
            {
                var key = items.KeyAt(i);
                if (!seen.Add(key)) items.Recorded[i] = true;
                else asking.Add((i, key));
                if (asking.Count == KeysPerQuestion || (i == items.Count - 1 && asking.Count > 0))
                {
                    var unrecorded = store.FindUnrecordedItems(flow.Name, sourceKey, [.. asking.Select(a => a.Key)]);
                    foreach (var (index, asked) in asking) items.Recorded[index] = !unrecorded.Contains(asked);
                    asking.Clear();
                    // What a question allocates is dropped at once; do not let 100 questions' worth pile up first.
                    youngHeap.CollectIfDue();
                }
            }
            if (items.Count >= YoungHeapCap.BigRead) YoungHeapCap.ReturnFreeMemory();
            return items;
        }
        catch
        {
            items.Dispose();
            throw;
        }
    }

    /// <summary>Moves the source's position outside a batch (a first run skipping the rows already there, a read that
    /// found nothing new): under a lease, fenced like a batch's outcome (nothing written, and the run stopped as for a
    /// lost lease, once the lease names another run), so a delayed write never moves the position back.</summary>
    private void MovePosition(Flow flow, string runId, RunLease? lease, string position)
    {
        if (lease is null) store.SetPosition(flow.Name, flow.Source.PositionKey, position);
        else if (!store.CompleteItemsUnderLease(runId, flow.Name, flow.Source.PositionKey, [], position, lease.Owner)) lease.FenceRefused();
    }

    // Small enough that a question's keys (about 37 bytes each in its JSON) stay off the large object heap.
    private const int KeysPerQuestion = 1024;

    private const string Stopped = "stopped before the end; rows without a recorded outcome are taken by the next run";

    /// <summary>A run's span, its count and duration by result (<see cref="EngineMetrics"/>); the span is current for
    /// the whole run, so the source read's HTTP spans and the row spans hang below it.</summary>
    private async Task<RunReport> ObservedAsync(Flow flow, string kind, Func<Task<RunReport>> run)
    {
        using var span = EngineTracing.StartRun(flow.Name, kind);
        EngineMetrics.FlowStarting(flow.Name);
        CallerScope.Enter(flow.SourceType); // retries of the source read count under the source's type
        var started = _clock.GetTimestamp();
        try
        {
            var report = await run();
            var result = EngineMetrics.RunResultOf(report.Status);
            EngineMetrics.RunEnded(flow.Name, result, _clock.GetElapsedTime(started));
            EngineTracing.EndRun(span, report.RunId, result);
            return report;
        }
        catch (OperationCanceledException)
        {
            EngineMetrics.RunEnded(flow.Name, EngineMetrics.RunResults.Stopped, _clock.GetElapsedTime(started));
            EngineTracing.EndRun(span, "", EngineMetrics.RunResults.Stopped);
            throw;
        }
    }

    private (string RunId, RunInfo Run) Begin(Flow flow)
    {
        var started = _clock.GetUtcNow();
        var runId = store.BeginRun(flow.Name, started, Owner);
        return (runId, new RunInfo(flow.Name, runId, started, LinkFor(flow, runId)));
    }

    /// <param name="items">In source order, each with whether an earlier run finished it (then it is only passed over).</param>
    private async Task ProcessAsync(Flow flow, RunInfo run, RunLease? lease, RunItems items, bool movePosition, bool force,
        RunRows rows, CancellationToken cancellationToken)
    {
        ColumnNames.EnsureUnambiguous(flow.Source.DeclaredFields, items.FieldNames());
        var sourceKey = flow.Source.PositionKey;
        var journal = new StoreJournal(store, run.Id, flow.Name, sourceKey, _clock);
        var walker = new StepWalker(
            async (step, batch) =>
            {
                // After the walker committed the call's in-flight marker, before the call: a run that may have lost
                // its lease acts on no service (the run holding it now resumes the marked call by its policy).
                lease?.EnsureHeld();
                return await step.Receiver.ExecuteAsync(batch.Select(i => i.Scope).ToList(), cancellationToken);
            },
            journal, _clock, run.Id, cancellationToken)
        { RecordsTelemetry = true };
        var shape = FlowShape.Of(flow);
        var blocked = false; // once an item is held, the position stays before it
        using var quarantine = EvaluationQuarantine.Open(QuarantineDirectory, flow.Name);
        var youngHeap = new YoungHeapCap(YoungHeapCap.DefaultBudget);
        for (var offset = 0; offset < items.Count; offset += flow.BatchSize)
        {
            var chunk = new (SourceItem Item, bool Recorded)[Math.Min(flow.BatchSize, items.Count - offset)];
            for (var i = 0; i < chunk.Length; i++) chunk[i] = (items.Take(offset + i), items.Recorded[offset + i]);
            var batch = new List<ItemRun>();
            var order = new List<(SourceItem Item, ItemRun? Run)>();
            // What interrupted runs left of the batch's items, in one question (replay --force ignores it).
            var progress = force ? null : store.GetProgress(flow.Name, sourceKey, [.. chunk.Where(c => !c.Recorded).Select(c => c.Item.Key)]);
            foreach (var (item, recorded) in chunk)
            {
                if (recorded)
                {
                    order.Add((item, null));
                    continue;
                }
                var left = progress?.GetValueOrDefault(item.Key) ?? ItemProgress.None;
                var itemRun = new ItemRun(item, item.ToScope(run), left.Steps, left.InFlight);
                itemRun.Span = EngineTracing.StartRow(Activity.Current, item);
                quarantine?.Admit(itemRun);
                if (!itemRun.Stopped) ApplyFilter(flow, itemRun);
                batch.Add(itemRun);
                order.Add((item, itemRun));
            }

            journal.Start([.. batch.Select(i => i.Item)]);
            try
            {
                await walker.WalkAsync(flow.Steps, batch.Where(i => !i.Stopped).ToList());
            }
            catch when (lease?.LostReason is null)
            {
                // Stopped mid-batch (Ctrl+C, shutdown, a store error): the answers of calls already made are facts,
                // kept so the next run does not call again. A run that lost its lease writes nothing more.
                KeepWhatIsKnown(journal);
                throw;
            }

            // The walk's last answers are made durable first, and the lease is checked after them: a run whose write
            // was held up (a network cut) and that lost its lease meanwhile has written only answers, which are facts,
            // and writes no outcome and moves no position over the run that holds the rows now.
            journal.MakeDurable();
            lease?.EnsureHeld();
            youngHeap.CollectIfDue();

            // How the batch's rows ended is written in one transaction, with the position after the last row that is
            // not held nor behind a held one. A row passed over (recorded by an earlier run) moves the position too;
            // when one ends the batch, its position is written after the others.
            var completions = new List<ItemCompletion>();
            var batchReports = new List<(ItemReport Report, ItemRun Run)>();
            string? positionAfterBatch = null;
            var passedOverLast = false; // the batch's last position comes from a row passed over, not a completed one
            foreach (var (item, itemRun) in order)
            {
                if (itemRun is null)
                {
                    if (movePosition && !blocked) (positionAfterBatch, passedOverLast) = (item.PositionAfter, true);
                    continue;
                }
                if (itemRun.Status == RowStatus.Held) blocked = true;
                var report = itemRun.ToReport();
                report = report with { Attention = RowAttention.For(itemRun.Status, itemRun.Error, [.. report.Steps.Select(PathStep.Of)], shape) };
                var position = movePosition && !blocked ? item.PositionAfter : null;
                if (position is not null) (positionAfterBatch, passedOverLast) = (position, false);
                completions.Add(new ItemCompletion(item, itemRun.Status, report.FailedSteps, itemRun.Error, report.Attention, position));
                batchReports.Add((report, itemRun));
            }
            // Under a lease, the store writes them only if the lease still names this run, checked in their transaction:
            // the check above is in memory, and a write held up in the network longer than the takeover delay would
            // otherwise land after another run took the rows over, moving the position back over that run's.
            var passedOverPosition = passedOverLast ? positionAfterBatch : null;
            if (lease is null) journal.Complete(completions, passedOverPosition);
            else if (!journal.CompleteUnderLease(completions, passedOverPosition, lease.Owner)) lease.FenceRefused();
            foreach (var (report, itemRun) in batchReports)
            {
                quarantine?.Recorded(report.Item.Key);
                EngineMetrics.RowRecorded(flow.Name, report);
                EngineTracing.EndRow(itemRun.Span, RowOutcome.Of(report));
                rows.Add(report);
                RowRecorded?.Invoke(report);
                Progress?.RowDone(report);
            }
        }
    }

    private static void KeepWhatIsKnown(StoreJournal journal)
    {
        try
        {
            journal.MakeDurable();
        }
        catch (Exception)
        {
            // The run already fails with the error that stopped it; this one (often the same store error) adds nothing.
        }
    }

    /// <summary>Waits for (or takes over) the flow's lease; returns the time written into it.</summary>
    private async Task<DateTimeOffset> AcquireLeaseAsync(Flow flow, bool waitForLease, CancellationToken cancellationToken)
    {
        var waitSaid = false;
        var now = _clock.GetUtcNow();
        while (store.TryAcquireLease(flow.Name, Owner, LeaseDuration, now) is { } holder)
        {
            // A run on this machine that crashed (kill -9, power loss) cannot release its lease; do not make the
            // next run wait for it to expire.
            if (LeaseHolder.IsGone(holder) && store.TakeOverLease(flow.Name, Owner, holder, LeaseDuration, now)) break;
            // In a cluster, a node that died on another machine is known by its missed check-ins; its lease is taken
            // only once it went unrenewed for longer than its holder trusts a renewal, so a holder that is merely
            // cut off from the database has stopped acting by then (docs/cluster.md, "Lease ownership").
            if (await HolderNodeHasLeftAsync(holder, cancellationToken)
                && store.TakeOverLease(flow.Name, Owner, holder, LeaseDuration, now, RunLease.UnrenewedBeforeTakeover)) break;
            if (!waitForLease) throw new FlowBusyException(flow.Name, holder);
            if (!waitSaid) Progress?.WaitingForLease(LeaseHolder.Describe(holder));
            waitSaid = true;
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, cancellationToken);
            now = _clock.GetUtcNow();
        }
        // Holding the lease, no other run of this flow can be alive: one still recorded as running was cut off.
        store.MarkInterrupted(flow.Name, _clock.GetUtcNow());
        return now;
    }

    private async Task<bool> HolderNodeHasLeftAsync(string holder, CancellationToken cancellationToken) =>
        Cluster is not null && LeaseHolder.NodeOf(holder) is { } node && node != Cluster.NodeId
        && await Cluster.HasLeftAsync(node, cancellationToken);

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
