using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// When the daemon runs a flow by itself: on an interval, on cron schedules, after other flows. They combine (the
/// flow runs whenever any of them fires, never twice at once). None at all: the flow runs only on demand.
/// </summary>
internal sealed record FlowTriggers(TimeSpan? Interval, IReadOnlyList<CronSchedule> Cron, IReadOnlyList<AfterTrigger> After, MissedRuns MissedRuns)
{
    public static FlowTriggers None { get; } = new(null, [], [], MissedRuns.RunOnce);

    /// <summary>True when the flow has a time-based trigger (interval or cron).</summary>
    public bool HasClock => Interval is not null || Cron.Count > 0;

    public bool IsManualOnly => !HasClock && After.Count == 0;

    /// <summary>One line for people: "every 00:00:30; cron 0 9 * * 1-5 (Europe/Kyiv); after import (success)".</summary>
    public string Describe()
    {
        if (IsManualOnly) return "manual only";
        var parts = new List<string>();
        if (Interval is { } interval) parts.Add($"every {interval}");
        parts.AddRange(Cron.Select(c => $"cron {c}"));
        parts.AddRange(After.Select(a => $"after {a.Flow} ({a.On.ToString().ToLowerInvariant()})"));
        return string.Join("; ", parts);
    }

    /// <summary>Checks every "after" against the names of <paramref name="flows"/> (all flows of a folder):
    /// an unknown name is an error at the "after" entry.</summary>
    public static IReadOnlyList<Diagnostic> CheckChains(IReadOnlyCollection<Flow> flows) =>
        CheckChains(flows.Select(FlowOutline.Of).ToList());

    /// <inheritdoc cref="CheckChains(IReadOnlyCollection{Flow})"/>
    public static IReadOnlyList<Diagnostic> CheckChains(IReadOnlyCollection<FlowOutline> flows)
    {
        var names = flows.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<Diagnostic>();
        foreach (var flow in flows)
            foreach (var after in flow.Triggers.After.Where(a => !names.Contains(a.Flow)))
                problems.Add(after.Location.Error("RE0408",
                    $"\"after\" names flow '{after.Flow}', which is not loaded{NameSuggestion.Hint(after.Flow, names.Where(n => n != flow.Name).ToList())}; known flows: {string.Join(", ", names.Order(StringComparer.Ordinal))}"));
        return problems;
    }
}
