using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>
/// Whether a row needs a person, and why: the one definition used by the run summary, <c>history</c>,
/// <c>replay --failed</c>, <c>status</c> and the exit codes. <see cref="Reason"/> is empty when it does not.
/// </summary>
/// <remarks>
/// A row needs a person when it is held, stopped on an error, has a step whose delivery is unknown (output
/// <c>deliveryUnknown</c>=1), or has a failed step that the flow did not handle.
/// <para>
/// A failed receiver step is <b>handled</b> when a later If block whose condition reads that step ran for the row,
/// and the branch that If took ran at least one receiver and ended without an unhandled failure (a failure inside
/// it may itself be handled by a later If, which is how nested handling works). In the canonical flow an update
/// that failed and a create that succeeded is handled; an update and a create that both failed and an alert that
/// was delivered is handled too (the alert is the flow's handling: a person was told); an alert that failed leaves
/// the row open. An If that reads the failed step but took an empty branch did nothing about it: the failure stays
/// open. A step with delivery unknown is never handled.
/// </para>
/// </remarks>
internal sealed record RowAttention(string Reason)
{
    public static readonly RowAttention None = new("");

    public bool NeedsPerson => Reason.Length > 0;

    public override string ToString() => Reason;

    /// <summary>The output a receiver records when it cannot know whether its call acted (see docs/durability.md).</summary>
    public const string DeliveryUnknownKey = DeliveryPolicy.OutputDeliveryUnknown;

    /// <summary>Judges one row from how it ended and the steps it took, in the order they ran.</summary>
    public static RowAttention For(RowStatus status, string error, IReadOnlyList<PathStep> path, FlowShape shape)
    {
        var reasons = new List<string>();
        if (status == RowStatus.Held) reasons.Add("held: " + error);
        if (status == RowStatus.Error) reasons.Add("error: " + error);
        var judged = new Handling[path.Count];
        // Backwards: whether a failure is handled depends only on what ran after it.
        for (var i = path.Count - 1; i >= 0; i--)
        {
            if (path[i].IsIf || !path[i].Failed) continue;
            judged[i] = path[i].DeliveryUnknown ? Handling.Open : Judge(path, i, shape, judged);
        }
        for (var i = 0; i < path.Count; i++)
        {
            if (path[i].DeliveryUnknown) reasons.Add($"{path[i].StepId}: delivery unknown");
            else if (judged[i] == Handling.Open) reasons.Add($"{path[i].StepId} failed, not handled: {path[i].Error}");
        }
        return reasons.Count == 0 ? None : new RowAttention(string.Join("; ", reasons));
    }

    /// <summary>Judges a row from its recorded steps: with the flow's shape when it is known, otherwise inferred
    /// from the records alone (see <see cref="FlowShape.Inferred"/>).</summary>
    public static RowAttention For(RowStatus status, string error, IReadOnlyList<RecordedStep> steps, FlowShape? shape = null)
    {
        var path = steps.Select(PathStep.Of).ToList();
        return For(status, error, path, shape ?? FlowShape.Inferred(steps));
    }

    private enum Handling { NotFailed, Handled, Open, OpenBelow }

    private static Handling Judge(IReadOnlyList<PathStep> path, int failed, FlowShape shape, Handling[] judged)
    {
        var blockedBelow = false;
        for (var j = failed + 1; j < path.Count; j++)
        {
            if (!path[j].IsIf || !shape.Reads(path[j].StepId).Contains(path[failed].StepId)) continue;
            var ranReceiver = false;
            var clean = true;
            for (var k = j + 1; k < path.Count; k++)
            {
                if (!shape.InBranch(path, j, k) || path[k].IsIf) continue;
                ranReceiver = true;
                if (path[k].Failed && judged[k] != Handling.Handled) clean = false;
            }
            if (!ranReceiver) continue;
            if (clean) return Handling.Handled;
            blockedBelow = true;
        }
        // A failure whose handling itself failed is reported where the handling failed, not twice.
        return blockedBelow ? Handling.OpenBelow : Handling.Open;
    }
}
