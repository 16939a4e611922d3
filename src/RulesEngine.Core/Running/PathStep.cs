using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>One step a row took: an If (with its logical result) or a receiver that failed or not.</summary>
internal readonly record struct PathStep(string StepId, bool IsIf, bool Failed, bool DeliveryUnknown, string Error, string? Explanation = null)
{
    public static PathStep Of(StepReport step) => step.Type == Flows.IfStep.TypeName
        ? new(step.StepId, true, false, false, step.Error, step.Explanation)
        : new(step.StepId, false, step.Status == OutcomeStatus.Failed, IsDeliveryUnknown(step.Output), step.Error);

    public static PathStep Of(RecordedStep step) => step.Output.TryGetValue(StepWalker.ExplanationKey, out var explanation)
        ? new(step.StepId, true, false, false, step.Error, explanation)
        : new(step.StepId, false, step.Result == 0, IsDeliveryUnknown(step.Output), step.Error);

    private static bool IsDeliveryUnknown(IReadOnlyDictionary<string, string> output) =>
        output.TryGetValue(RowAttention.DeliveryUnknownKey, out var value) && value == "1";
}
