using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Quartz;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cluster;

/// <summary>
/// The web console on a cluster node. A flow's run may be on any node, so "running" comes from the shared state (its
/// last run is still open), not from this node's own runs; "run now" stores a one-shot trigger for the flow's
/// non-concurrent job, so the run happens once, on whichever node Quartz picks, after any run in flight.
/// </summary>
internal sealed partial class ClusterNode : IConsoleScheduler
{
    // Next clock times as this node last saw them in Quartz's tables (another node's firing moves them; refreshed
    // every rescan): the pages read them on every request, and a query per flow per request would load the database.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextRuns = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<BrokenFlowFile> _problems = [];

    public IReadOnlyList<FlowState> PublishedFlows =>
        [.. _inService.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(Describe)];

    public IReadOnlyList<BrokenFlowFile> PublishedProblems => _problems;

    public async Task<bool> RequestRunAsync(string flow, CancellationToken cancellationToken)
    {
        if (_scheduler is not { } scheduler || !_inService.ContainsKey(flow)) return false;
        var trigger = TriggerBuilder.Create(clock).WithIdentity(new TriggerKey($"{flow}@{Guid.NewGuid():N}", FlowJobKeys.RequestGroup))
            .ForJob(FlowJobKeys.Job(flow)).StartNow()
            .UsingJobData(FlowJobKeys.RequestedOnKey, NodeId)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), cancellationToken);
        logger.LogInformation("Run of {Flow} requested on node {Node} (run now); it runs once, on whichever node the cluster picks", flow, NodeId);
        return true;
    }

    private FlowState Describe(LoadedFlow version)
    {
        var last = store.ListRuns(version.Name, 1).FirstOrDefault();
        DateTimeOffset? next = _nextRuns.TryGetValue(version.Name, out var due) ? due : null;
        return new FlowState(version.Name, version.FilePath, version.Flow.Triggers.Describe(), store.IsEnabled(version.Name),
            last is { Status: RunStatus.Running }, next, LastResult: null);
    }

    /// <summary>A firing on this node stored the flow's next clock time.</summary>
    internal void NoteNextRun(string flow, DateTimeOffset? next)
    {
        if (next is { } due) _nextRuns[flow] = due;
        else _nextRuns.TryRemove(flow, out _);
    }

    private void PublishProblems() =>
        _problems = [.. catalog.Broken.Select(b => new BrokenFlowFile(b.File, b.Problems))];

    /// <summary>Reads every flow's waiting clock trigger, wherever the node that stored it runs.</summary>
    private async Task RefreshNextRunsAsync()
    {
        foreach (var name in _inService.Keys)
        {
            var pending = (await ClockTriggersAsync(name)).Select(t => t.NextFireTimeUtc).Where(t => t is not null).ToList();
            NoteNextRun(name, pending.Count > 0 ? pending.Min() : null);
        }
        foreach (var gone in _nextRuns.Keys.Where(k => !_inService.ContainsKey(k))) _nextRuns.TryRemove(gone, out _);
    }
}
