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
    /// <summary>How long a run's lease lasts without renewal: a crashed run blocks its flow at most this long.
    /// A live run renews it after every batch.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(2);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly string _owner = $"pid {Environment.ProcessId} on {Environment.MachineName}, {Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Runs the flow once, holding its lease. Throws <see cref="FlowBusyException"/> when another run holds
    /// it, unless <paramref name="waitForLease"/>, in which case it waits for the lease.</summary>
    public async Task<RunReport> RunAsync(Flow flow, CancellationToken cancellationToken, bool waitForLease)
    {
        while (store.TryAcquireLease(flow.Name, _owner, LeaseDuration, _clock.GetUtcNow()) is { } holder)
        {
            if (!waitForLease) throw new FlowBusyException(flow.Name, holder);
            await Task.Delay(TimeSpan.FromMilliseconds(500), _clock, cancellationToken);
        }
        try
        {
            return await RunAsync(flow, cancellationToken);
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
        var started = _clock.GetUtcNow();
        var runId = store.BeginRun(flow.Name, started);
        var run = new RunInfo(flow.Name, runId, started, LinkFor(flow, runId));
        var sourceKey = flow.Source.PositionKey;
        var reports = new List<ItemReport>();
        var alreadyRecorded = 0;
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

            var walker = new StepWalker(
                async (step, items) => await step.Receiver.ExecuteAsync(items.Select(i => i.Scope).ToList(), cancellationToken),
                (item, recorded) => store.RecordStep(runId, flow.Name, sourceKey, item.Item.Key, recorded),
                _clock, runId);

            var blocked = false; // once an item is held, the position stays before it
            foreach (var chunk in read.Items.Chunk(flow.BatchSize))
            {
                var batch = new List<ItemRun>();
                var order = new List<(SourceItem Item, ItemRun? Run)>();
                foreach (var item in chunk)
                {
                    if (store.IsItemRecorded(flow.Name, sourceKey, item.Key))
                    {
                        alreadyRecorded++;
                        order.Add((item, null));
                        continue;
                    }
                    var itemRun = new ItemRun(item, new ItemScope(new SourceRow(item.Number, item.Fields), run),
                        store.GetRecordedSteps(flow.Name, sourceKey, item.Key));
                    ApplyFilter(flow, itemRun);
                    batch.Add(itemRun);
                    order.Add((item, itemRun));
                }

                await walker.WalkAsync(flow.Steps, batch.Where(i => !i.Stopped).ToList(), cancellationToken);

                store.RenewLease(flow.Name, _owner, LeaseDuration, _clock.GetUtcNow());
                foreach (var (item, itemRun) in order)
                {
                    if (itemRun is null)
                    {
                        if (!blocked) store.SetPosition(flow.Name, sourceKey, item.PositionAfter);
                        continue;
                    }
                    if (itemRun.Status == RowStatus.Held) blocked = true;
                    var report = itemRun.ToReport();
                    store.CompleteItem(runId, flow.Name, sourceKey, item, itemRun.Status, report.FailedSteps, itemRun.Error,
                        blocked ? null : item.PositionAfter);
                    reports.Add(report);
                }
            }
            store.FinishRun(runId, RunStatus.Completed, "", _clock.GetUtcNow());
            return new RunReport(runId, flow.Name, run.Link, RunStatus.Completed, "", reports, alreadyRecorded, "", stopwatch.Elapsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var error = SecretRedactor.Redact(e.Message);
            store.FinishRun(runId, RunStatus.Failed, error, _clock.GetUtcNow());
            return new RunReport(runId, flow.Name, run.Link, RunStatus.Failed, error, reports, alreadyRecorded, "", stopwatch.Elapsed);
        }
    }

    private static void ApplyFilter(Flow flow, ItemRun item)
    {
        if (flow.Filter is null) return;
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
