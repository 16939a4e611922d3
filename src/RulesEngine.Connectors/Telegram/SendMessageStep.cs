using RulesEngine.Sdk;

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
    public const string Type = "telegram.sendMessage";
    public const string ConnectionType = TelegramConnector.ConnectionType;

    public const string FieldConnection = "connection";
    public const string FieldChatId = "chatId";
    public const string FieldText = "text";
    public const string FieldParseMode = "parseMode";
    public const string FieldDisableLinkPreview = "disableLinkPreview";

    public const string ParseModeNone = "none";
    public const string ParseModeHtml = "HTML";
    public const string ParseModeMarkdownV2 = "MarkdownV2";
    public const string ParseModeMarkdown = "Markdown";

    public static readonly StepSpec Spec = new(
        Type,
        "Send a text message to a Telegram chat, group or channel the bot was added to. Output: messageId (the first " +
        "message), messageIds (all of them, comma-separated).",
        [
            new FieldSpec(FieldConnection, FieldKind.Text, "name of a \"telegram\" connection (the bot token)", Required: true, Example: "telegram"),
            new FieldSpec(FieldChatId, FieldKind.Template,
                "the chat: a numeric id (groups are negative, supergroups and channels -100...) or a public @username",
                Required: true, Example: "-1001234567890"),
            new FieldSpec(FieldText, FieldKind.Template,
                "the message, over several lines if needed. Empty text fails the step. Text over 4096 characters is sent as " +
                "several messages, cut at line breaks where possible; the step succeeds only when every part was sent",
                Required: true, Example: "Could not create {Email}:\n{create.Error}\n{Run.Link}"),
            new FieldSpec(FieldParseMode, FieldKind.Text, "how Telegram formats the text; default none (plain text)",
                AllowedValues: [ParseModeNone, ParseModeHtml, ParseModeMarkdownV2, ParseModeMarkdown], Example: ParseModeHtml),
            new FieldSpec(FieldDisableLinkPreview, FieldKind.Boolean, "true to send links without a preview; default false", Example: "true"),
            DeliveryPolicy.Field(
                "what to do with a message whose send was cut off mid-flight (a crash, a timeout: Telegram may or may not have delivered it). " +
                "atLeastOnce (default): send it again, so an alert is never silently lost, at the price of a rare duplicate (output resent: 1). " +
                "atMostOnce: never send it again; the step fails with output deliveryUnknown: 1 and the row is listed for a person. " +
                "A send Telegram certainly refused (429, its own error answers, a refused connection) is always sent again"),
        ],
        ConnectionType)
    {
        Errors = [new(InvalidChatIdCode, "a chatId written without placeholders is neither a numeric id nor an @username")],
    };

    public const string InvalidChatIdCode = "RE1210";

    /// <summary>Reads the step's settings; problems go to <paramref name="config"/>, and a step that has any is never run.</summary>
    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<TelegramClient>();
        var chatId = config.Template(SendMessageStep.FieldChatId);
        var text = config.Template(SendMessageStep.FieldText);
        var parseMode = MessageSender.ParseModeOf(config.Text(SendMessageStep.FieldParseMode));
        var disableLinkPreview = config.Boolean(SendMessageStep.FieldDisableLinkPreview) ?? false;
        var atMostOnce = DeliveryPolicy.IsAtMostOnce(config);
        // A chat id written without placeholders can be checked now rather than failing every item later.
        if (chatId is not null && !chatId.Text.Contains('{', StringComparison.Ordinal)
            && !TelegramChatId.TryParse(chatId.Text, out _, out var chatError))
        {
            config.Error(SendMessageStep.FieldChatId, InvalidChatIdCode, $"\"{SendMessageStep.FieldChatId}\": {chatError}");
        }
        if (client is null || chatId is null || text is null) return null;
        return new SendMessageStep(chatId, text, new MessageSender(client, parseMode, disableLinkPreview), atMostOnce);
    }

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.ExecuteAsync(items, RenderAndSendAsync, cancellationToken);

    // At least once, a resend after a delivered attempt is a duplicate (marked resent).
    public Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken) =>
        DeliveryPolicy.ResumeAsync(items, interrupted, atMostOnce, "Telegram's answer", RenderAndSendAsync, cancellationToken);

    private async Task<StepOutcome> RenderAndSendAsync(ItemScope item, CancellationToken cancellationToken) =>
        Render(item, out var chat, out var message) is { } failed ? failed : await sender.SendAsync(chat, message, cancellationToken).ConfigureAwait(false);

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
