using Microsoft.Extensions.Logging;
using Quartz;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cluster;

/// <summary>
/// One firing of a flow on whichever node Quartz picked. Non-concurrent, so a flow never runs on two nodes at once (a
/// firing that comes while it runs waits, and several coalesce into one). A clock firing first stores the flow's next
/// clock time, computed by <see cref="TriggerTimes"/> from the slot it fired for (so every trigger keeps the meaning it
/// has on one machine), then runs the flow through the node's executor (under the flow's lease, journaled), then fires
/// the flows that run after it, on whichever node is free.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class FlowJob(ClusterNode node) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var name = context.JobDetail.Key.Name;
        Interlocked.Increment(ref node.FiringsInProgress);
        try
        {
            var version = node.RunStarting(name);
            if (version is null)
            {
                await NotLoadedHereAsync(context, name);
                return;
            }
            var run = RunAsync(context, version);
            node.Track(run);
            try
            {
                await run;
            }
            finally
            {
                node.RunEnded(version);
            }
        }
        finally
        {
            Interlocked.Decrement(ref node.FiringsInProgress);
        }
    }

    private async Task RunAsync(IJobExecutionContext context, LoadedFlow version)
    {
        var name = version.Name;
        var triggers = version.Flow.Triggers;
        var now = node.Clock.GetUtcNow();
        var isClock = context.Trigger.Key.Group == FlowJobKeys.ClockGroup && !context.Recovering;
        string reason;
        if (context.Recovering)
            reason = "resuming a run of a node that stopped or died";
        else if (isClock)
        {
            var slot = context.ScheduledFireTimeUtc ?? now;
            var next = TriggerTimes.Next(triggers, slot, now);
            if (next is { } due)
                await context.Scheduler.ScheduleJob(node.ClockTrigger(name, triggers, due), new ScheduleJobOptions(), node.Stopping);
            node.NoteNextRun(name, next);
            if (triggers.MissedRuns == MissedRuns.Skip && now - slot > node.Options.MissedRunTolerance)
            {
                node.Logger.LogInformation("Skipped the run of {Flow} due {Slot}: it is {Late:0} s late and the flow says \"missedRuns\": \"skip\"",
                    name, slot.ToString("u"), (now - slot).TotalSeconds);
                return;
            }
            reason = "schedule";
        }
        else if (context.Trigger.Key.Group == FlowJobKeys.RequestGroup)
            reason = $"run now, asked in the console on node {context.MergedJobDataMap.GetString(FlowJobKeys.RequestedOnKey)}";
        else
            reason = $"after {context.MergedJobDataMap.GetString(FlowJobKeys.AfterKey)}";

        // Run now starts a switched-off flow too, as 'run' and the one-machine console do; the switch is the triggers'.
        var enabled = context.Trigger.Key.Group == FlowJobKeys.RequestGroup || node.Store.IsEnabled(name);
        if (context.Trigger.Key.Group != FlowJobKeys.RequestGroup) node.NoteSwitch(name, enabled);
        if (!enabled)
        {
            node.Logger.LogDebug("Flow {Flow} is switched off: its {Reason} run does not start", name, reason);
            return;
        }
        var chain = (context.MergedJobDataMap.GetString(FlowJobKeys.ChainKey) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);
        chain.Add(name);
        node.Logger.LogInformation("Starting {Flow} ({Reason}) on node {Node}", name, reason, node.NodeId);
        RunResult result;
        try
        {
            result = await node.Executor.RunAsync(version.Flow, node.Stopping, node.Abort);
        }
        catch (Exception e)
        {
            node.Logger.LogError(e, "Run of {Flow} broke", name);
            result = RunResult.Aborted(e.Message);
        }
        if (result.Status is { } status) await FireChainedAsync(context, name, status, chain);
    }

    /// <summary>Fires the flows whose "after" matches this run's end, carrying the chain so a loop is cut.</summary>
    private async Task FireChainedAsync(IJobExecutionContext context, string name, Core.State.RunStatus status, HashSet<string> chain)
    {
        foreach (var next in node.Flows.Where(f => f.Flow.Triggers.After.Any(a => a.Flow == name && a.Matches(status))))
        {
            if (chain.Contains(next.Name))
            {
                node.Logger.LogError("Flow {Flow} is not run after {Other}: it already ran in this chain ({Chain}); a cycle of \"after\" triggers is cut here",
                    next.Name, name, string.Join(", ", chain.Order(StringComparer.Ordinal)));
                continue;
            }
            var data = new JobDataMap { [FlowJobKeys.AfterKey] = name, [FlowJobKeys.ChainKey] = string.Join('\n', chain.Order(StringComparer.Ordinal)) };
            var trigger = TriggerBuilder.Create(node.Clock)
                .WithIdentity(new TriggerKey($"{next.Name}-after-{Guid.NewGuid():N}", FlowJobKeys.ChainGroup))
                .ForJob(FlowJobKeys.Job(next.Name)).StartNow().UsingJobData(data)
                .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
                .Build();
            await context.Scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), node.Stopping);
            node.Logger.LogInformation("Flow {Flow} will run after {Other} ({Status})", next.Name, name, status);
        }
    }

    /// <summary>Quartz picked a node that has no good version of the flow (its file is missing or broken here, e.g.
    /// mid-deploy): nothing runs here; a clock firing is put back a few seconds later, for a node that has it.</summary>
    private async Task NotLoadedHereAsync(IJobExecutionContext context, string name)
    {
        node.Logger.LogWarning("Flow {Flow} fired on node {Node}, which does not load it (its file is missing or broken here); another node takes it",
            name, node.NodeId);
        if (context.Trigger.Key.Group != FlowJobKeys.ClockGroup) return;
        var retry = TriggerBuilder.Create(node.Clock).WithIdentity(FlowJobKeys.NewClock(name)).ForJob(FlowJobKeys.Job(name))
            .StartAt(node.Clock.GetUtcNow() + TimeSpan.FromSeconds(5))
            .UsingJobData(FlowJobKeys.TriggersKey, context.Trigger.JobDataMap.GetString(FlowJobKeys.TriggersKey) ?? "")
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)).Build();
        await context.Scheduler.ScheduleJob(retry, new ScheduleJobOptions(), node.Stopping);
    }
}
