using RulesEngine.Core.Expressions;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Flows;

/// <summary>What the first run of a flow does with rows already in the source.</summary>
internal enum ExistingRows
{
    /// <summary>Process every row already there (the default; the demo relies on it).</summary>
    Process,
    /// <summary>Start at the current end: only rows added from now on are processed.</summary>
    Skip,
}

/// <summary>A loaded flow: every step type resolved, every connection found, every expression compiled.</summary>
internal sealed class Flow
{
    public required string Name { get; init; }
    public required string FilePath { get; init; }
    public required string SourceType { get; init; }
    public required ISource Source { get; init; }
    public CompiledCondition? Filter { get; init; }
    public ExistingRows ExistingRows { get; init; }
    public required IReadOnlyList<FlowStep> Steps { get; init; }

    /// <summary>Template of the link to a run (<c>{flow}</c> and <c>{runId}</c> are replaced).</summary>
    public required string RunLink { get; init; }

    /// <summary>When the daemon runs the flow by itself ("triggers"); none: only on demand.</summary>
    public FlowTriggers Triggers { get; init; } = FlowTriggers.None;

    /// <summary>How many items go through the steps together (receivers may serve a batch with one call).</summary>
    public int BatchSize { get; init; } = 10;

    public IEnumerable<FlowStep> AllSteps() => Walk(Steps);

    private static IEnumerable<FlowStep> Walk(IEnumerable<FlowStep> steps)
    {
        foreach (var step in steps)
        {
            yield return step;
            if (step is IfStep branch)
                foreach (var inner in Walk(branch.Then).Concat(Walk(branch.Else)))
                    yield return inner;
        }
    }
}

internal abstract class FlowStep
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required SourceLocation Location { get; init; }
}

/// <summary>A step that calls a service.</summary>
internal sealed class ReceiverStep : FlowStep
{
    public required IReceiver Receiver { get; init; }
}

/// <summary>An If block: runs <see cref="Then"/> for items where the condition holds, <see cref="Else"/> for the rest.
/// Its own result (1/0) is visible to later expressions under its id.</summary>
internal sealed class IfStep : FlowStep
{
    public const string TypeName = "if";

    public string Comment { get; init; } = "";
    public required CompiledCondition Condition { get; init; }
    public required IReadOnlyList<FlowStep> Then { get; init; }
    public required IReadOnlyList<FlowStep> Else { get; init; }
}
