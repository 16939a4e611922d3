using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>The scheduler loop's decisions, driven by a fake clock: nothing here sleeps.</summary>
public sealed class FlowSchedulerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Interval_RunsAtStartThenEveryInterval()
    {
        using var bed = new SchedulerBed();
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
        using var bed = new SchedulerBed(start: new DateTimeOffset(2025, 3, 3, 5, 59, 0, TimeSpan.Zero));
        bed.Rules.Write("report", """{"cron": [{"expression": "0 8 * * 1-5", "timeZone": "Europe/Kyiv"}]}""");

        Assert.Empty(await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(59 * Second));
        Assert.Equal(["report"], await bed.StepAsync(Second));
        Assert.Empty(await bed.StepAsync(TimeSpan.FromHours(23)));
        Assert.Equal(["report"], await bed.StepAsync(TimeSpan.FromHours(1)));
        Assert.Equal(new DateTimeOffset(2025, 3, 5, 6, 0, 0, TimeSpan.Zero), bed.Scheduler.Flows.Single().NextRun);
    }

    [Fact]
    public async Task Triggers_Combine_IntervalAndCron()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("both", """{"interval": 3600, "cron": ["30 8 * * *"]}""");

        Assert.Equal(["both"], await bed.StepAsync());                           // 08:00 interval (first run)
        Assert.Equal(["both"], await bed.StepAsync(TimeSpan.FromMinutes(30)));   // 08:30 cron
        Assert.Empty(await bed.StepAsync(TimeSpan.FromMinutes(30)));             // 09:00: the interval counts from the last scheduled run
        Assert.Equal(["both"], await bed.StepAsync(TimeSpan.FromMinutes(30)));   // 09:30 interval
    }

    [Fact]
    public async Task Flow_NeverOverlapsItself_AndRunsOnceMoreWhenItsRunEnds()
    {
        using var bed = new SchedulerBed();
        bed.Executor.Hold = true;
        bed.Rules.Write("slow", """{"interval": 1}""");

        Assert.Equal(["slow"], await bed.StepAsync());
        for (var i = 0; i < 5; i++) Assert.Empty(await bed.StepAsync(Second)); // due, but running
        await bed.FinishAsync("slow");
        Assert.Equal(["slow"], await bed.StepAsync()); // the missed slots coalesce into one run
    }

    [Fact]
    public async Task DifferentFlows_RunInParallel_UpToTheLimit()
    {
        using var bed = new SchedulerBed(maxParallel: 2);
        bed.Executor.Hold = true;
        foreach (var name in new[] { "a", "b", "c" }) bed.Rules.Write(name, """{"interval": 60}""");

        Assert.Equal(2, (await bed.StepAsync()).Length);
        Assert.Empty(await bed.StepAsync(Second));
        var running = bed.Scheduler.Flows.First(f => f.Running).Name;
        await bed.FinishAsync(running);
        Assert.Single(await bed.StepAsync());
        Assert.Equal(2, bed.Scheduler.Flows.Count(f => f.Running));
    }

    [Theory]
    [InlineData(RunStatus.Completed, "always,onSuccess")]
    [InlineData(RunStatus.Failed, "always,onFailure")]
    public async Task After_RunsChainedFlows_OnTheOutcomeTheyAskFor(RunStatus outcome, string expected)
    {
        using var bed = new SchedulerBed();
        bed.Executor.Status = name => name == "import" ? outcome : RunStatus.Completed;
        bed.Rules.Write("import", """{"interval": 3600}""");
        bed.Rules.Write("onSuccess", """{"after": ["import"]}""");
        bed.Rules.Write("onFailure", """{"after": [{"flow": "import", "on": "failure"}]}""");
        bed.Rules.Write("always", """{"after": [{"flow": "import", "on": "always"}]}""");

        Assert.Equal(["import"], await bed.StepAsync());
        Assert.Equal(expected.Split(','), await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(Second));
    }

    [Fact]
    public async Task Disabled_FlowDoesNotRun_UntilSwitchedOnAgain_WithoutRestart()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("sync", """{"interval": 10}""");
        Assert.Equal(["sync"], await bed.StepAsync());

        bed.Store.SetEnabled("sync", false, bed.Clock.GetUtcNow());
        Assert.Empty(await bed.StepAsync(10 * Second));
        Assert.Empty(await bed.StepAsync(25 * Second));
        Assert.False(bed.Scheduler.Flows.Single().Enabled);

        bed.Store.SetEnabled("sync", true, bed.Clock.GetUtcNow());
        Assert.Empty(await bed.StepAsync()); // the times that passed while off are not caught up
        Assert.Equal(["sync"], await bed.StepAsync(5 * Second));
    }

    [Fact]
    public async Task Busy_ElsewhereSkipsTheTick_AndWaitsForTheNextTime()
    {
        using var bed = new SchedulerBed();
        bed.Executor.Busy = _ => true;
        bed.Rules.Write("sync", """{"interval": 10}""");

        Assert.Equal(["sync"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync(Second));
        Assert.Equal(RulesEngine.Core.Scheduling.RunOutcome.Busy, bed.Scheduler.Flows.Single().LastResult?.Outcome);
        Assert.Equal(["sync"], await bed.StepAsync(9 * Second));
    }

    [Theory]
    [InlineData("runOnce", 0)]   // missed while down: once, right away
    [InlineData("skip", 60)]     // missed while down: wait for the next slot (last run + 11 minutes)
    public async Task MissedRuns_FollowTheFlowsPolicy(string policy, int expectedWaitSeconds)
    {
        using var bed = new SchedulerBed();
        var last = bed.Store.BeginRun("sync", SchedulerBed.Start.AddMinutes(-10));
        bed.Store.FinishRun(last, RunStatus.Completed, "", SchedulerBed.Start.AddMinutes(-10));
        bed.Rules.Write("sync", $$"""{"interval": 60, "missedRuns": "{{policy}}"}""");

        Assert.Equal(expectedWaitSeconds == 0 ? ["sync"] : [], await bed.StepAsync());
        Assert.Equal(SchedulerBed.Start.AddSeconds(60), bed.Scheduler.Flows.Single().NextRun);
    }

    [Fact]
    public async Task Reload_EditedFile_TakesEffect_DeletedFile_Stops()
    {
        using var bed = new SchedulerBed();
        var file = bed.Rules.Write("sync", """{"interval": 3600}""");
        Assert.Equal(["sync"], await bed.StepAsync());

        File.WriteAllText(file, RulesFolder.Flow("sync", """{"interval": 5}"""));
        await bed.RescanAsync();
        Assert.Equal("every 00:00:05", bed.Scheduler.Flows.Single().Triggers);
        Assert.Equal(["sync"], await bed.StepAsync(5 * Second));

        bed.Rules.Write("added", """{"interval": 5}""");
        Assert.Equal(["added"], await bed.RescanAsync());

        File.Delete(file);
        await bed.RescanAsync();
        Assert.Equal(["added"], bed.Scheduler.Flows.Select(f => f.Name));
        Assert.Equal(["added"], await bed.StepAsync(5 * Second));
    }

    [Fact]
    public async Task Reload_BrokenFile_KeepsTheLastGoodVersionRunning_AndRecordsTheProblem()
    {
        using var bed = new SchedulerBed();
        var file = bed.Rules.Write("sync", """{"interval": 5}""");
        Assert.Equal(["sync"], await bed.StepAsync());

        File.WriteAllText(file, RulesFolder.Flow("sync", """{"interval": 5}""", condition: "Emial.Length > 0"));
        await bed.RescanAsync();
        Assert.Equal(["sync"], await bed.StepAsync(5 * Second));

        var (broken, problems) = Assert.Single(bed.Catalog.Broken);
        Assert.Equal(file, broken);
        Assert.Contains(problems, p => p.Message.Contains("Emial", StringComparison.Ordinal));
        var record = bed.Store.ListRuns("sync", 10).Single(r => r.Status == RunStatus.Failed);
        Assert.Contains("does not load", record.Error, StringComparison.Ordinal);
        Assert.Contains("Emial", record.Error, StringComparison.Ordinal);

        File.WriteAllText(file, RulesFolder.Flow("sync", """{"interval": 5}""", condition: "Email.Length > 1"));
        await bed.RescanAsync();
        Assert.Empty(bed.Catalog.Broken);
    }

    [Fact]
    public async Task Reload_TwoFilesWithOneName_TheSecondIsRejected()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("a", """{"interval": 5}""");
        File.WriteAllText(Path.Combine(bed.Rules.Path, "b.json"), RulesFolder.Flow("a", """{"interval": 5}"""));

        Assert.Equal(["a"], await bed.StepAsync());
        Assert.Contains(Assert.Single(bed.Catalog.Broken).Problems, p => p.Code == "RE0006");
    }

    [Fact]
    public async Task RunAsync_StopsWhenAsked_AfterTheRunInFlightEnds()
    {
        using var bed = new SchedulerBed();
        bed.Executor.Hold = true;
        bed.Rules.Write("slow", """{"interval": 1}""");
        using var stop = new CancellationTokenSource();

        var loop = bed.Scheduler.RunAsync(stop.Token, CancellationToken.None);
        while (bed.Executor.Started.IsEmpty) await Task.Yield();
        await stop.CancelAsync();
        Assert.False(loop.IsCompleted);
        bed.Executor.Finish("slow");
        Assert.True(await loop);
    }
}
