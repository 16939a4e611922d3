namespace RulesEngine.Core.Scheduling;

/// <summary>
/// The arithmetic of time triggers, pure so the daemon and <c>status</c> agree and tests need no clock.
/// An interval counts from the slot it last fired for; a cron schedule asks Cronos for the next occurrence.
/// All times are UTC.
/// </summary>
internal static class TriggerTimes
{
    /// <summary>The next time after <paramref name="now"/> a clock trigger fires, given that the flow last fired
    /// (or started a run) at <paramref name="slot"/>. Null when the flow has no clock trigger.</summary>
    public static DateTimeOffset? Next(FlowTriggers triggers, DateTimeOffset slot, DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        if (triggers.Interval is { } interval)
        {
            var candidate = slot + interval;
            if (candidate <= now) candidate += interval * ((now - candidate).Ticks / interval.Ticks + 1); // slots missed: skip them
            next = candidate;
        }
        foreach (var cron in triggers.Cron)
            if (cron.Next(now) is { } occurrence && (next is null || occurrence < next)) next = occurrence;
        return next;
    }

    /// <summary>
    /// When the flow is first due once the daemon starts at <paramref name="now"/>, given when its last run started
    /// (null: it never ran). A flow that never ran starts its interval right away and waits for its next cron time;
    /// a flow that missed slots while the daemon was down follows <see cref="FlowTriggers.MissedRuns"/>.
    /// </summary>
    public static DateTimeOffset? FirstDue(FlowTriggers triggers, DateTimeOffset? lastRun, DateTimeOffset now)
    {
        if (!triggers.HasClock) return null;
        if (lastRun is not { } last)
            return triggers.Interval is not null ? now : Next(triggers, now, now);
        DateTimeOffset? due = triggers.Interval is { } interval ? last + interval : null;
        foreach (var cron in triggers.Cron)
            if (cron.Next(last) is { } occurrence && (due is null || occurrence < due)) due = occurrence;
        if (due is null || due > now) return due;
        return triggers.MissedRuns == MissedRuns.RunOnce ? now : Next(triggers, last, now);
    }
}
