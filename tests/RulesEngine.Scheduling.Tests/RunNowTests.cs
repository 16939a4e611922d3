using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>"Run now" from the web console: a request the scheduler's loop turns into a run like a trigger's.</summary>
public sealed class RunNowTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task RunNow_StartsTheFlowAtTheNextTick_AndLeavesItsScheduleAlone()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("sync", """{"interval": "01:00:00"}""");
        Assert.Equal(["sync"], await bed.StepAsync()); // the first run, at start
        var next = bed.Scheduler.PublishedFlows.Single().NextRun;

        Assert.True(bed.Scheduler.RequestRun("sync"));
        Assert.Equal(["sync"], await bed.StepAsync(Minute));
        Assert.Empty(await bed.StepAsync(Minute)); // once
        Assert.Equal(next, bed.Scheduler.PublishedFlows.Single().NextRun);
        Assert.Equal(["sync"], await bed.StepAsync(TimeSpan.FromMinutes(58)));
    }

    [Fact]
    public async Task RunNow_RunsASwitchedOffFlowOnce_AsRunDoes()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("sync", """{"interval": "00:10:00"}""");
        bed.Store.SetEnabled("sync", false, SchedulerBed.Start);
        Assert.Empty(await bed.StepAsync());

        Assert.True(bed.Scheduler.RequestRun("sync"));
        Assert.Equal(["sync"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(TimeSpan.FromMinutes(30))); // still off: its times pass
    }

    [Fact]
    public async Task RunNow_WhileTheFlowRuns_RunsItOnceMoreWhenItEnds()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("sync", """{"interval": "01:00:00"}""");
        bed.Executor.Hold = true;
        Assert.Equal(["sync"], await bed.StepAsync());

        Assert.True(bed.Scheduler.RequestRun("sync"));
        Assert.True(bed.Scheduler.RequestRun("sync"));
        Assert.Empty(await bed.StepAsync(Minute)); // never overlaps itself
        await bed.FinishAsync("sync");
        Assert.Equal(["sync"], await bed.StepAsync());
        await bed.FinishAsync("sync");
        Assert.Empty(await bed.StepAsync(Minute)); // two requests while running coalesce into one run
    }

    [Fact]
    public async Task RunNow_OfAFlowNotInService_IsRefused()
    {
        using var bed = new SchedulerBed();
        Assert.False(bed.Scheduler.RequestRun("sync")); // before the first tick nothing is in service
        bed.Rules.Write("sync", """{"manual": true}""");
        await bed.StepAsync();
        Assert.False(bed.Scheduler.RequestRun("other"));
        Assert.True(bed.Scheduler.RequestRun("sync"));
        Assert.Equal(["sync"], await bed.StepAsync());
    }
}
