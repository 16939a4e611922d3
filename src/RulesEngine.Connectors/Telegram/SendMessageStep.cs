using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// <c>telegram.sendMessage</c>: renders the chat id and text for each item and sends them, one item after the
/// other (Telegram has no batch send, and pacing keeps the order). A template that fails for an item fails that
/// item only.
/// <para>
/// At most once: the Bot API cannot tell whether a message was delivered, so a send whose outcome is unknown (the
/// engine died mid-call, or the call ended without an answer after the request went out) is not sent again. It is
/// recorded as failed (execution result 0, output <c>deliveryUnknown</c>: 1) with an error that says so; a person
/// can send it again with <c>replay --row N --force</c>.
/// </para>
/// </summary>
internal sealed class SendMessageStep(CompiledTemplate chatId, CompiledTemplate text, MessageSender sender) : IResumableReceiver
{
    public const string InvalidChatIdCode = "RE1210";
    public const string OutputDeliveryUnknown = "deliveryUnknown";

    /// <summary>Reads the step's settings; problems go to <paramref name="config"/>, and a step that has any is never run.</summary>
    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<TelegramClient>();
        var chatId = config.Template(SendMessageSpec.FieldChatId);
        var text = config.Template(SendMessageSpec.FieldText);
        var parseMode = MessageSender.ParseModeOf(config.Text(SendMessageSpec.FieldParseMode));
        var disableLinkPreview = config.Boolean(SendMessageSpec.FieldDisableLinkPreview) ?? false;
        // A chat id written without placeholders can be checked now rather than failing every item later.
        if (chatId is not null && !chatId.Text.Contains('{', StringComparison.Ordinal)
            && !TelegramChatId.TryParse(chatId.Text, out _, out var chatError))
        {
            config.Error(SendMessageSpec.FieldChatId, InvalidChatIdCode, $"\"{SendMessageSpec.FieldChatId}\": {chatError}");
        }
        if (client is null || chatId is null || text is null) return null;
        return new SendMessageStep(chatId, text, new MessageSender(client, parseMode, disableLinkPreview));
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes.Add(Render(item, out var chat, out var message) is { } failed
                ? failed
                : await sender.SendAsync(chat, message, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    public Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepOutcome?> outcomes = interrupted
            .Select(call => (StepOutcome?)StepOutcome.Failure(
                $"not sent again: an earlier attempt (run {call.RunId}, {call.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z) ended without Telegram's answer " +
                $"({call.Reason}), so the message may or may not have been delivered; it is not resent to avoid a duplicate " +
                "(send it anyway with: rulesengine replay <flow> --row N --force)",
                output: new Dictionary<string, string>(StringComparer.Ordinal) { [OutputDeliveryUnknown] = "1" }))
            .ToList();
        return Task.FromResult(outcomes);
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
