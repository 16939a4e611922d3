using RulesEngine.Core.Scheduling;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>The web console's view of a cluster node (<see cref="IConsoleScheduler"/>): its flows with their state,
/// and run now as a one-shot Quartz trigger, on a real PostgreSQL server and the fake clock.</summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed class ClusterRunNowTests(PostgresServer postgres)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task RunNow_OnAClusterNode_RunsASwitchedOffFlowOnce_AndLeavesItsScheduleAlone()
    {
        await using var bed = await ClusterBed.CreateAsync(postgres);
        IConsoleScheduler console = bed.Node;
        bed.Rules.Write("sync", """{"interval": "00:10:00"}""");
        bed.Store.SetEnabled("sync", false, SchedulerBed.Start);
        Assert.Empty(await bed.StepAsync());
        var flow = Assert.Single(console.PublishedFlows);
        Assert.Equal(("sync", false, false), (flow.Name, flow.Enabled, flow.Running));
        var next = await bed.NextRunAsync("sync");
        Assert.NotNull(next);
        Assert.Equal(next, flow.NextRun);

        Assert.True(await console.RequestRunAsync("sync", CancellationToken.None));
        Assert.Equal(["sync"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(TimeSpan.FromMinutes(30))); // once; still off: its times pass
        Assert.Equal(await bed.NextRunAsync("sync"), console.PublishedFlows.Single().NextRun);
    }

    [Fact]
    public async Task RunNow_WhileTheFlowRuns_RunsItWhenItEnds_NeverOverlapping()
    {
        await using var bed = await ClusterBed.CreateAsync(postgres);
        IConsoleScheduler console = bed.Node;
        bed.Rules.Write("sync", """{"interval": "01:00:00"}""");
        bed.Executor.Hold = true;
        Assert.Equal(["sync"], await bed.StepAsync());

        Assert.True(await console.RequestRunAsync("sync", CancellationToken.None));
        Assert.Empty(await bed.StepAsync(Minute)); // the flow's job is non-concurrent
        await bed.FinishAsync("sync");
        Assert.Equal(["sync"], await bed.StepAsync());
        await bed.FinishAsync("sync");
        Assert.Empty(await bed.StepAsync(Minute));
    }

    [Fact]
    public async Task AFlowIsRunning_WhileItsLastRunInTheStateIsOpen_WhicheverNodeRunsIt()
    {
        await using var bed = await ClusterBed.CreateAsync(postgres);
        IConsoleScheduler console = bed.Node;
        bed.Rules.Write("sync", """{"manual": true}""");
        Assert.Empty(await bed.StepAsync());
        Assert.False(console.PublishedFlows.Single().Running);

        // A run another node started: this node runs nothing, but the shared history says the flow runs.
        var run = bed.Store.BeginRun("sync", SchedulerBed.Start);
        Assert.True(console.PublishedFlows.Single().Running);
        bed.Store.FinishRun(run, Core.State.RunStatus.Completed, "", SchedulerBed.Start + Minute);
        Assert.False(console.PublishedFlows.Single().Running);
    }

    [Fact]
    public async Task RunNow_OfAFlowNotInService_IsRefused()
    {
        await using var bed = await ClusterBed.CreateAsync(postgres);
        IConsoleScheduler console = bed.Node;
        Assert.False(await console.RequestRunAsync("sync", CancellationToken.None)); // the node has not started
        bed.Rules.Write("sync", """{"manual": true}""");
        Assert.Empty(await bed.StepAsync());
        Assert.False(await console.RequestRunAsync("other", CancellationToken.None));
        Assert.Equal(["sync"], console.PublishedFlows.Select(f => f.Name));
    }
}
