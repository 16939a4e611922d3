using RulesEngine.Core.Flows;

namespace RulesEngine.Sdk;

/// <summary>
/// The <c>"delivery"</c> setting every sending step offers (a chat message, an e-mail: calls the service cannot
/// deduplicate), and the outputs that report it. Shared, so each sending connector means the same by it and the engine
/// can list rows whose delivery is unknown without naming a connector.
/// <para>
/// It decides only what happens to a send that is genuinely uncertain: the request went out and no answer came back (the
/// process died mid-call, a timeout, a connection lost after sending). A send the service certainly refused is always
/// made again (the client clears the in-flight marker before it waits to retry).
/// </para>
/// </summary>
public static class DeliveryPolicy
{
    /// <summary>The step setting every sending step declares through <see cref="Field"/>.</summary>
    public const string FieldName = "delivery";

    /// <summary>Send an uncertain message again (the default: an alert exists so that a failure is never silent); a
    /// rare duplicate is marked with output <see cref="OutputResent"/>.</summary>
    public const string AtLeastOnce = "atLeastOnce";

    /// <summary>Never send an uncertain message again: the step fails with output <see cref="OutputDeliveryUnknown"/>
    /// and the row is listed for a person.</summary>
    public const string AtMostOnce = "atMostOnce";

    /// <summary>1 when a message may or may not have been delivered and was not sent again.</summary>
    public const string OutputDeliveryUnknown = "deliveryUnknown";

    /// <summary>1 when the message was sent again after an attempt whose delivery was unknown (it may be a duplicate).</summary>
    public const string OutputResent = "resent";

    /// <summary>The step's <c>"delivery"</c> field, described in the connector's words.</summary>
    public static FieldSpec Field(string description) =>
        new(FieldName, FieldKind.Text, description, AllowedValues: [AtLeastOnce, AtMostOnce], Example: AtLeastOnce);

    /// <summary>True when the step says <c>"delivery": "atMostOnce"</c> (anything else is at least once).</summary>
    public static bool IsAtMostOnce(StepConfig config) => config.Text(FieldName) == AtMostOnce;

    /// <summary>The outcome of an at-most-once send that was interrupted: failed, delivery unknown, with how to send it
    /// anyway. <paramref name="missingAnswer"/> names what never came back ("Telegram's answer").</summary>
    public static StepOutcome NotResent(InterruptedCall call, string missingAnswer) => StepOutcome.Failure(
        $"not sent again: an earlier attempt (run {call.RunId}, {call.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) ended without {missingAnswer} " +
        $"({call.Reason}), so the message may or may not have been delivered; \"delivery\" is \"atMostOnce\", so it is not resent " +
        "(send it anyway with: rulesengine replay <flow> --row N --force)",
        output: new Dictionary<string, string>(StringComparer.Ordinal) { [OutputDeliveryUnknown] = "1" });

    /// <summary>
    /// <see cref="IResumableReceiver.ResumeAsync"/> for a sending step: at most once, every interrupted send fails with
    /// <see cref="OutputDeliveryUnknown"/>; at least once, each is sent again with <paramref name="send"/> and marked
    /// <see cref="OutputResent"/> when delivered (the earlier attempt may have been delivered too).
    /// </summary>
    public static async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted,
        bool atMostOnce, string missingAnswer, Func<ItemScope, CancellationToken, Task<StepOutcome>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(interrupted);
        ArgumentNullException.ThrowIfNull(send);
        var outcomes = new List<StepOutcome?>(items.Count);
        for (var i = 0; i < items.Count; i++)
            outcomes.Add(atMostOnce ? NotResent(interrupted[i], missingAnswer) : MarkResent(await send(items[i], cancellationToken).ConfigureAwait(false)));
        return outcomes;
    }

    /// <summary>An at-least-once resend's outcome, marked <see cref="OutputResent"/> when it was delivered.</summary>
    public static StepOutcome MarkResent(StepOutcome outcome) => outcome.Status == OutcomeStatus.Succeeded
        ? outcome with { Output = new Dictionary<string, string>(outcome.Output, StringComparer.Ordinal) { [OutputResent] = "1" } }
        : outcome;
}
