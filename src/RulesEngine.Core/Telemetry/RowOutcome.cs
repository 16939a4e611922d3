using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Telemetry;

/// <summary>
/// The one word a metric says about how a row ended, from the same judgement <c>history</c> and <c>status</c> use
/// (<see cref="RowAttention"/>): each row counts once, under the first of these that applies.
/// </summary>
internal static class RowOutcome
{
    /// <summary>Held: no answer from a service; the next run takes it again.</summary>
    public const string Held = "held";
    /// <summary>A send may or may not have been delivered and was not repeated: a person must look.</summary>
    public const string DeliveryUnknown = "deliveryUnknown";
    /// <summary>Needs a person: stopped on an error, or a failed step the flow did not handle.</summary>
    public const string Failed = "failed";
    /// <summary>The data filter rejected it.</summary>
    public const string Skipped = "skipped";
    /// <summary>Went through with failures the flow handled (an update that failed, then a create that succeeded).</summary>
    public const string Handled = "handled";
    /// <summary>Went through, nothing failed.</summary>
    public const string Done = "done";

    public static string Of(ItemReport row)
    {
        if (row.Status == RowStatus.Held) return Held;
        if (row.Steps.Any(s => s.Output.TryGetValue(DeliveryPolicy.OutputDeliveryUnknown, out var unknown) && unknown == "1")) return DeliveryUnknown;
        if (row.Status == RowStatus.Error || row.Attention.NeedsPerson) return Failed;
        if (row.Status == RowStatus.Skipped) return Skipped;
        return row.FailedSteps > 0 ? Handled : Done;
    }
}
