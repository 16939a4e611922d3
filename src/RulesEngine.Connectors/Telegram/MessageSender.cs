using System.Globalization;
using RulesEngine.Sdk;
using Telegram.Bot.Types.Enums;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// What <c>telegram.sendMessage</c> does with one item once its chat id and text are rendered: validate, split,
/// send every part, and turn the result into an outcome. Kept apart from template rendering so it can be driven
/// with plain strings.
/// </summary>
internal sealed class MessageSender(TelegramClient client, ParseMode parseMode, bool disableLinkPreview)
{
    public const string OutputMessageId = "messageId";
    public const string OutputMessageIds = "messageIds";

    /// <summary>
    /// Succeeded when every part was sent; Failed when Telegram said no (or the input is unusable) with the API's
    /// text; Held when Telegram could not be reached or kept failing transiently. A Held outcome is marked
    /// <see cref="StepOutcome.NoEffect"/> only when nothing can have been delivered; otherwise the step's resume
    /// policy does not send it again (see <see cref="SendMessageStep"/>).
    /// </summary>
    public async Task<StepOutcome> SendAsync(string chatId, string text, CancellationToken cancellationToken)
    {
        if (Validate(chatId, text) is { } invalid) return invalid;
        var parts = MessageSplitter.Split(text);
        var sent = new List<string>(parts.Count);
        foreach (var part in parts)
        {
            if (sent.Count > 0 && StepCall.Current.IsStopping)
                return StepOutcome.Held($"{sent.Count} of {parts.Count} parts sent, then stopped: {StepCall.StoppingReason}");
            try
            {
                var message = await client.SendMessageAsync(chatId, part, parseMode, disableLinkPreview, cancellationToken).ConfigureAwait(false);
                sent.Add(message.Id.ToString(CultureInfo.InvariantCulture));
                // A part was delivered: if a later part is refused, resending the whole message would repeat this one.
                StepCall.Current.EffectPossible();
            }
            catch (TelegramException e)
            {
                var error = parts.Count == 1 ? e.Message : $"{e.Message} (part {sent.Count + 1} of {parts.Count}; {sent.Count} sent before it)";
                return e.Transient
                    ? StepOutcome.Held(error, e) with { NoEffect = sent.Count == 0 && !e.MayHaveBeenSent }
                    : StepOutcome.Failure(error, e, sent.Count > 0 ? Output(sent) : null);
            }
        }
        return StepOutcome.Success(Output(sent));
    }

    /// <summary>The request(s) <see cref="SendAsync"/> would make, with the predicted outcome; no side effect.</summary>
    public StepPreview Preview(string chatId, string text)
    {
        if (Validate(chatId, text) is { } invalid) return new StepPreview([], invalid);
        TelegramChatId.TryParse(chatId, out var chat, out _);
        var requests = MessageSplitter.Split(text)
            .Select(part => client.PreviewSendMessage(chat, part, parseMode, disableLinkPreview))
            .ToList();
        return new StepPreview(requests, StepOutcome.Success());
    }

    private static StepOutcome? Validate(string chatId, string text)
    {
        if (!TelegramChatId.TryParse(chatId, out _, out var error)) return StepOutcome.Failure(error);
        // Telegram trims messages, so whitespace alone is as empty as "" (and it would answer 400 for it).
        if (string.IsNullOrWhiteSpace(text)) return StepOutcome.Failure("message text is empty");
        return null;
    }

    private static Dictionary<string, string> Output(List<string> sent) => new(StringComparer.Ordinal)
    {
        [OutputMessageId] = sent[0],
        [OutputMessageIds] = string.Join(",", sent),
    };

    /// <summary>How a placeholder's value must be escaped so it shows as typed in this parse mode (a cell holding
    /// <c>&lt;</c> or <c>_</c> cannot break the message); null for plain text, which needs nothing.</summary>
    public Func<string, string>? Escape { get; } = EscapeFor(parseMode);

    internal static Func<string, string>? EscapeFor(ParseMode parseMode) => parseMode switch
    {
        ParseMode.Html => EscapeHtml,
        ParseMode.MarkdownV2 => EscapeMarkdownV2,
        ParseMode.Markdown => EscapeMarkdown,
        _ => null,
    };

    /// <summary>Telegram's HTML mode: &amp;, &lt;, &gt; and " as entities (https://core.telegram.org/bots/api#html-style).</summary>
    internal static string EscapeHtml(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    /// <summary>MarkdownV2: a backslash before each of _*[]()~`>#+-=|{}.! and before a backslash
    /// (https://core.telegram.org/bots/api#markdownv2-style).</summary>
    internal static string EscapeMarkdownV2(string value) => EscapeWith(value, "\\_*[]()~`>#+-=|{}.!");

    /// <summary>Legacy Markdown: a backslash before _ * ` [ (https://core.telegram.org/bots/api#markdown-style).</summary>
    internal static string EscapeMarkdown(string value) => EscapeWith(value, "_*`[");

    private static string EscapeWith(string value, string special)
    {
        if (value.AsSpan().IndexOfAny(special) < 0) return value;
        var escaped = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (special.Contains(c, StringComparison.Ordinal)) escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    internal static ParseMode ParseModeOf(string? name) => name switch
    {
        SendMessageStep.ParseModeHtml => ParseMode.Html,
        SendMessageStep.ParseModeMarkdownV2 => ParseMode.MarkdownV2,
        SendMessageStep.ParseModeMarkdown => ParseMode.Markdown,
        _ => ParseMode.None,
    };
}
