using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// <c>telegram.sendMessage</c>: renders the chat id and text for each item and sends them, one item after the
/// other (Telegram has no batch send, and pacing keeps the order). A template that fails for an item fails that
/// item only.
/// <para>
/// Delivery policy (<c>"delivery"</c>): the Bot API has no idempotency key, so a send whose outcome is unknown (the
/// engine died mid-call, or the call ended without an answer after the request went out) is genuinely uncertain.
/// <c>atLeastOnce</c> (the default: an alert exists so that a failure is never silent) sends it again and marks the
/// result <c>resent</c>: 1 (a rare duplicate). <c>atMostOnce</c> does not send it again: it is recorded as failed
/// (execution result 0, output <c>deliveryUnknown</c>: 1) with an error that says so; a person can send it with
/// <c>replay --row N --force</c>. A send known not to have reached Telegram (refused, 429) is not uncertain: the
/// client clears the in-flight marker before it waits to retry, so a crash in that wait sends it on the next run.
/// </para>
/// </summary>
internal sealed class SendMessageStep(CompiledTemplate chatId, CompiledTemplate text, MessageSender sender, bool atMostOnce = false) : IResumableReceiver
{
    public const string InvalidChatIdCode = "RE1210";
    public const string OutputDeliveryUnknown = DeliveryPolicy.OutputDeliveryUnknown;
    public const string OutputResent = DeliveryPolicy.OutputResent;

    /// <summary>Reads the step's settings; problems go to <paramref name="config"/>, and a step that has any is never run.</summary>
    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<TelegramClient>();
        var chatId = config.Template(SendMessageSpec.FieldChatId);
        var text = config.Template(SendMessageSpec.FieldText);
        var parseMode = MessageSender.ParseModeOf(config.Text(SendMessageSpec.FieldParseMode));
        var disableLinkPreview = config.Boolean(SendMessageSpec.FieldDisableLinkPreview) ?? false;
        var atMostOnce = DeliveryPolicy.IsAtMostOnce(config);
        // A chat id written without placeholders can be checked now rather than failing every item later.
        if (chatId is not null && !chatId.Text.Contains('{', StringComparison.Ordinal)
            && !TelegramChatId.TryParse(chatId.Text, out _, out var chatError))
        {
            config.Error(SendMessageSpec.FieldChatId, InvalidChatIdCode, $"\"{SendMessageSpec.FieldChatId}\": {chatError}");
        }
        if (client is null || chatId is null || text is null) return null;
        return new SendMessageStep(chatId, text, new MessageSender(client, parseMode, disableLinkPreview), atMostOnce);
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A stop lets the item in flight finish; no further item is called.
            if (StepCall.Current.IsStopping)
            {
                outcomes.Add(StepCall.NotCalled());
                continue;
            }
            outcomes.Add(Render(item, out var chat, out var message) is { } failed
                ? failed
                : await sender.SendAsync(chat, message, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    public async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome?>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var call = interrupted[i];
            if (atMostOnce)
            {
                outcomes.Add(DeliveryPolicy.NotResent(call, "Telegram's answer"));
                continue;
            }
            // At least once: send again; if the earlier attempt was delivered after all, this one is a duplicate.
            var outcome = Render(items[i], out var chat, out var message) is { } failed
                ? failed
                : await sender.SendAsync(chat, message, cancellationToken).ConfigureAwait(false);
            outcomes.Add(DeliveryPolicy.MarkResent(outcome));
        }
        return outcomes;
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepPreview> previews = items
            .Select(item => Render(item, out var chat, out var message) is { } failed
                ? new StepPreview([], failed)
                : sender.Preview(chat, message))
            .ToList();
        return Task.FromResult(previews);
    }

    private StepOutcome? Render(ItemScope item, out string chat, out string message)
    {
        try
        {
            chat = chatId.Render(item);
            // Values from placeholders are escaped for the parse mode; the flow's own markup is kept.
            message = text.Render(item, sender.Escape);
            return null;
        }
        catch (ExpressionException e)
        {
            chat = message = "";
            return StepOutcome.Failure(e.Message, e);
        }
    }
}
