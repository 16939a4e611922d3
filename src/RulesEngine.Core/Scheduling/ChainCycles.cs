using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Cycles of "after" triggers (a flow after itself; A after B and B after A; A after C after B after A): each would
/// make the daemon run its flows in a loop for ever. Every "after" entry that closes a cycle is reported at its place,
/// with the whole loop spelled out, each link at its own file place.
/// </summary>
internal static class ChainCycles
{
    public const string Code = "RE0410";

    /// <summary>The "after" entries of <paramref name="flows"/> that are part of a cycle. With
    /// <paramref name="involving"/>, only cycles through that flow.</summary>
    public static IReadOnlyList<Diagnostic> Find(IEnumerable<FlowOutline> flows, string? involving = null)
    {
        // Flow names are unique in a loaded set (duplicates are reported elsewhere): the first of a name stands for it.
        var byName = new Dictionary<string, FlowOutline>(StringComparer.Ordinal);
        foreach (var flow in flows) byName.TryAdd(flow.Name, flow);
        var problems = new List<Diagnostic>();
        foreach (var flow in byName.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            foreach (var after in flow.Triggers.After.Where(a => byName.ContainsKey(a.Flow)))
            {
                // This entry closes a cycle when the flow it waits for itself (transitively) waits for this flow.
                var path = PathOfWaits(after.Flow, flow.Name, byName);
                if (path is null) continue;
                if (involving is not null && !path.Any(link => link.Flow == involving) && flow.Name != involving) continue;
                var loop = string.Join(", ", new[] { (Flow: flow.Name, After: after) }.Concat(path)
                    .Select(link => $"'{link.Flow}' runs after '{link.After.Flow}' ({Place(link.After.Location)})"));
                var what = after.Flow == flow.Name
                    ? $"flow '{flow.Name}' runs after itself"
                    : $"\"after\" '{after.Flow}' closes a cycle: {loop}";
                problems.Add(after.Location.Error(Code,
                    $"{what}; the daemon would run {(after.Flow == flow.Name ? "it" : "these flows")} in a loop. Remove one of these \"after\" entries, or start one of the flows on a schedule instead"));
            }
        }
        return problems;
    }

    private static string Place(SourceLocation at) => $"{at.File}({at.Line},{at.Column})";

    /// <summary>The chain of "after" links from <paramref name="from"/> back to <paramref name="to"/> (each: a flow and
    /// the entry that makes it wait for the next), or null when <paramref name="from"/> never waits for it.</summary>
    private static List<(string Flow, AfterTrigger After)>? PathOfWaits(string from, string to, Dictionary<string, FlowOutline> byName)
    {
        if (from == to) return [];
        var cameFrom = new Dictionary<string, (string Flow, AfterTrigger After)>(StringComparer.Ordinal);
        var queue = new Queue<string>([from]);
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var after in byName[current].Triggers.After.Where(a => byName.ContainsKey(a.Flow)))
            {
                if (!seen.Add(after.Flow)) continue;
                cameFrom[after.Flow] = (current, after);
                if (after.Flow == to)
                {
                    var path = new List<(string Flow, AfterTrigger After)>();
                    for (var at = to; at != from; at = cameFrom[at].Flow) path.Add(cameFrom[at]);
                    path.Reverse();
                    return path;
                }
                queue.Enqueue(after.Flow);
            }
        }
        return null;
    }
}
