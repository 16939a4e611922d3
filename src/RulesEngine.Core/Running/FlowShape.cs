using RulesEngine.Core.Flows;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>
/// What <see cref="RowAttention"/> needs to know about a flow's structure: which steps each If block's condition
/// reads, and which steps lie inside an If block's branches.
/// </summary>
internal sealed class FlowShape
{
    private static readonly IReadOnlySet<string> Nothing = new HashSet<string>();

    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _reads;
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>>? _inside;

    private FlowShape(IReadOnlyDictionary<string, IReadOnlySet<string>> reads, IReadOnlyDictionary<string, IReadOnlySet<string>>? inside)
    {
        _reads = reads;
        _inside = inside;
    }

    /// <summary>The exact shape of a loaded flow.</summary>
    public static FlowShape Of(Flow flow)
    {
        var ids = flow.AllSteps().Select(s => s.Id).ToList();
        var reads = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var inside = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var branch in flow.AllSteps().OfType<IfStep>())
        {
            reads[branch.Id] = StepReferences.In(branch.Condition.Code, ids);
            inside[branch.Id] = Descendants(branch).ToHashSet(StringComparer.Ordinal);
        }
        return new FlowShape(reads, inside);
    }

    private static IEnumerable<string> Descendants(IfStep branch)
    {
        foreach (var step in branch.Then.Concat(branch.Else))
        {
            yield return step.Id;
            if (step is IfStep inner)
                foreach (var id in Descendants(inner)) yield return id;
        }
    }

    /// <summary>
    /// The shape as far as a row's records tell it, for rows recorded before the judgement was recorded with them:
    /// an If reads the steps its recorded explanation names (the explanation quotes the condition's parts), and its
    /// branch is taken to be every step recorded after it. Exact for flows whose handling Ifs come last on the row's
    /// path, as in the canonical flow.
    /// </summary>
    public static FlowShape Inferred(IReadOnlyList<RecordedStep> steps)
    {
        var ids = steps.Select(s => s.StepId).ToList();
        var reads = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var step in steps)
            if (step.Output.TryGetValue(StepWalker.ExplanationKey, out var explanation))
                reads[step.StepId] = StepReferences.In(explanation, ids);
        return new FlowShape(reads, null);
    }

    public IReadOnlySet<string> Reads(string ifId) => _reads.GetValueOrDefault(ifId) ?? Nothing;

    /// <summary>Whether the step at <paramref name="step"/> of the path ran inside the If block at
    /// <paramref name="ifAt"/> (a later step of the path).</summary>
    public bool InBranch(IReadOnlyList<PathStep> path, int ifAt, int step) =>
        step > ifAt && (_inside is null || (_inside.TryGetValue(path[ifAt].StepId, out var inside) && inside.Contains(path[step].StepId)));
}
