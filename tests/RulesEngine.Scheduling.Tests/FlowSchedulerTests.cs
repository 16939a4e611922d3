using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>The one-machine scheduler loop's own decisions, driven by a fake clock: nothing here sleeps. What every
/// backend must do with triggers is in <see cref="SchedulerContract"/>.</summary>
public sealed class FlowSchedulerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

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
