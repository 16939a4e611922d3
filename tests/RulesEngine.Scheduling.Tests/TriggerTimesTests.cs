using RulesEngine.Core.Scheduling;

namespace RulesEngine.Scheduling.Tests;

public sealed class TriggerTimesTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 3, 8, 0, 0, TimeSpan.Zero);

    private static FlowTriggers Every(int seconds, MissedRuns missed = MissedRuns.RunOnce) => FlowTriggers.None with { Interval = TimeSpan.FromSeconds(seconds), MissedRuns = missed };

    private static FlowTriggers Cron(string expression, string zone = "UTC", MissedRuns missed = MissedRuns.RunOnce) =>
        FlowTriggers.None with { Cron = [new CronSchedule(expression, TimeZoneInfo.FindSystemTimeZoneById(zone))], MissedRuns = missed };

    [Theory]
    [InlineData(0, 60)]     // on time: the next slot
    [InlineData(-30, 30)]   // fired 30 s ago
    [InlineData(-150, 30)]  // a run took 2.5 intervals: the slots it covered are skipped, the grid is kept
    public void Next_Interval_KeepsItsGrid(int slotOffsetSeconds, int expectedInSeconds) =>
        Assert.Equal(Now.AddSeconds(expectedInSeconds), TriggerTimes.Next(Every(60), Now.AddSeconds(slotOffsetSeconds), Now));

    [Fact]
    public void Next_Cron_AcrossDaylightSavingTime()
    {
        // New York springs forward on 9 March 2025: 02:30 does not exist that day, Cronos runs it at 03:00 EDT.
        var before = new DateTimeOffset(2025, 3, 9, 6, 0, 0, TimeSpan.Zero); // 01:00 EST
        Assert.Equal(new DateTimeOffset(2025, 3, 9, 7, 0, 0, TimeSpan.Zero), TriggerTimes.Next(Cron("30 2 * * *", "America/New_York"), before, before));
    }

    [Fact]
    public void FirstDue_NeverRan_IntervalStartsNow_CronWaits()
    {
        Assert.Equal(Now, TriggerTimes.FirstDue(Every(60), null, Now));
        Assert.Equal(Now.AddHours(1), TriggerTimes.FirstDue(Cron("0 9 * * *"), null, Now));
        Assert.Null(TriggerTimes.FirstDue(FlowTriggers.None, null, Now));
    }

    [Theory]
    [InlineData(MissedRuns.RunOnce, 0)]
    [InlineData(MissedRuns.Skip, 3600 * 24 - 60)] // tomorrow 07:59, the next occurrence
    public void FirstDue_Cron_MissedWhileDown(object policy, int expectedInSeconds) => // MissedRuns is internal to Core
        Assert.Equal(Now.AddSeconds(expectedInSeconds), TriggerTimes.FirstDue(Cron("59 7 * * *", missed: (MissedRuns)policy), Now.AddDays(-1), Now));

    [Fact]
    public void FirstDue_NothingMissed_ContinuesTheSchedule() =>
        Assert.Equal(Now.AddSeconds(20), TriggerTimes.FirstDue(Every(60), Now.AddSeconds(-40), Now));
}
