using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// What every trigger means, whichever backend schedules it: one machine's loop (<see cref="SingleMachineSchedulerTests"/>)
/// or a node of the Quartz cluster on PostgreSQL (<see cref="ClusterSchedulerTests"/>). Both are driven by a fake clock.
/// </summary>
public abstract class SchedulerContract
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private protected abstract Task<ISchedulerBed> NewBedAsync(DateTimeOffset? start = null);

    [Fact]
    public async Task Interval_RunsAtStartThenEveryInterval()
    {
        await using var bed = await NewBedAsync();
        bed.Rules.Write("sync", """{"interval": "00:00:30"}""");

        Assert.Equal(["sync"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(29 * Second));
        Assert.Equal(["sync"], await bed.StepAsync(Second));
        Assert.Equal(["sync"], await bed.StepAsync(30 * Second));
    }

    [Fact]
    public async Task Cron_FiresAtTheNextOccurrenceInItsTimeZone()
    {
        // 08:00 in Kyiv is 06:00 UTC in early March (UTC+2, before daylight saving time).
        await using var bed = await NewBedAsync(start: new DateTimeOffset(2025, 3, 3, 5, 59, 0, TimeSpan.Zero));
        bed.Rules.Write("report", """{"cron": [{"expression": "0 8 * * 1-5", "timeZone": "Europe/Kyiv"}]}""");

        Assert.Empty(await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(59 * Second));
        Assert.Equal(["report"], await bed.StepAsync(Second));
        Assert.Empty(await bed.StepAsync(TimeSpan.FromHours(23)));
        Assert.Equal(["report"], await bed.StepAsync(TimeSpan.FromHours(1)));
        Assert.Equal(new DateTimeOffset(2025, 3, 5, 6, 0, 0, TimeSpan.Zero), await bed.NextRunAsync("report"));
    }

    [Fact]
    public async Task Triggers_Combine_IntervalAndCron()
    {
        await using var bed = await NewBedAsync();
        bed.Rules.Write("both", """{"interval": 3600, "cron": ["30 8 * * *"]}""");

        Assert.Equal(["both"], await bed.StepAsync());                           // 08:00 interval (first run)
        Assert.Equal(["both"], await bed.StepAsync(TimeSpan.FromMinutes(30)));   // 08:30 cron
        Assert.Empty(await bed.StepAsync(TimeSpan.FromMinutes(30)));             // 09:00: the interval counts from the last scheduled run
        Assert.Equal(["both"], await bed.StepAsync(TimeSpan.FromMinutes(30)));   // 09:30 interval
    }

    [Fact]
    public async Task Flow_NeverOverlapsItself_AndRunsOnceMoreWhenItsRunEnds()
    {
        await using var bed = await NewBedAsync();
        bed.Executor.Hold = true;
        bed.Rules.Write("slow", """{"interval": 1}""");

        Assert.Equal(["slow"], await bed.StepAsync());
        for (var i = 0; i < 5; i++) Assert.Empty(await bed.StepAsync(Second)); // due, but running
        bed.Executor.Hold = false;
        await bed.FinishAsync("slow");
        Assert.Equal(["slow"], await bed.StepAsync()); // the missed slots coalesce into one run
        Assert.Empty(await bed.StepAsync());
    }

    [Theory]
    [InlineData(RunStatus.Completed, "always,onSuccess")]
    [InlineData(RunStatus.Failed, "always,onFailure")]
    public async Task After_RunsChainedFlows_OnTheOutcomeTheyAskFor(object outcomeValue, string expected)
    {
        var outcome = (RunStatus)outcomeValue; // RunStatus is internal to Core; a public test method cannot take it
        await using var bed = await NewBedAsync();
        bed.Executor.Status = name => name == "import" ? outcome : RunStatus.Completed;
        bed.Rules.Write("import", """{"interval": 3600}""");
        bed.Rules.Write("onSuccess", """{"after": ["import"]}""");
        bed.Rules.Write("onFailure", """{"after": [{"flow": "import", "on": "failure"}]}""");
        bed.Rules.Write("always", """{"after": [{"flow": "import", "on": "always"}]}""");

        var started = (await bed.StepAsync()).Concat(await bed.StepAsync()).ToList();
        Assert.Equal(["import", .. expected.Split(',')], started.Order(StringComparer.Ordinal).OrderBy(n => n != "import"));
        Assert.Empty(await bed.StepAsync(Second));
    }

    [Fact]
    public async Task Disabled_FlowDoesNotRun_UntilSwitchedOnAgain_WithoutRestart()
    {
        await using var bed = await NewBedAsync();
        bed.Rules.Write("sync", """{"interval": 10}""");
        Assert.Equal(["sync"], await bed.StepAsync());

        bed.Store.SetEnabled("sync", false, bed.Clock.GetUtcNow());
        Assert.Empty(await bed.StepAsync(10 * Second));
        Assert.Empty(await bed.StepAsync(25 * Second));

        bed.Store.SetEnabled("sync", true, bed.Clock.GetUtcNow());
        Assert.Empty(await bed.StepAsync()); // the times that passed while off are not caught up
        Assert.Equal(["sync"], await bed.StepAsync(5 * Second));
    }

    [Theory]
    [InlineData("runOnce", 0)]   // missed while down: once, right away
    [InlineData("skip", 60)]     // missed while down: wait for the next slot (last run + 11 minutes)
    public async Task MissedRuns_FollowTheFlowsPolicy(string policy, int expectedWaitSeconds)
    {
        await using var bed = await NewBedAsync();
        var last = bed.Store.BeginRun("sync", SchedulerBed.Start.AddMinutes(-10));
        bed.Store.FinishRun(last, RunStatus.Completed, "", SchedulerBed.Start.AddMinutes(-10));
        bed.Rules.Write("sync", $$"""{"interval": 60, "missedRuns": "{{policy}}"}""");

        Assert.Equal(expectedWaitSeconds == 0 ? ["sync"] : [], await bed.StepAsync());
        Assert.Equal(SchedulerBed.Start.AddSeconds(60), await bed.NextRunAsync("sync"));
    }

    [Fact]
    public async Task Reload_EditedFile_TakesEffect_DeletedFile_Stops()
    {
        await using var bed = await NewBedAsync();
        var file = bed.Rules.Write("sync", """{"interval": 3600}""");
        Assert.Equal(["sync"], await bed.StepAsync());

        File.WriteAllText(file, RulesFolder.Flow("sync", """{"interval": 5}"""));
        await bed.RescanAsync();
        Assert.Equal("every 00:00:05", bed.Flows["sync"]);
        Assert.Equal(["sync"], await bed.StepAsync(5 * Second));

        bed.Rules.Write("added", """{"interval": 5}""");
        Assert.Equal(["added"], await bed.RescanAsync());

        File.Delete(file);
        await bed.RescanAsync();
        Assert.Equal(["added"], bed.Flows.Keys);
        Assert.Equal(["added"], await bed.StepAsync(5 * Second));
    }
}

/// <summary>The trigger semantics on one machine (<see cref="Core.Scheduling.FlowScheduler"/>).</summary>
public sealed class SingleMachineSchedulerTests : SchedulerContract
{
    private protected override Task<ISchedulerBed> NewBedAsync(DateTimeOffset? start = null) =>
        Task.FromResult<ISchedulerBed>(new SchedulerBed(start: start));
}
