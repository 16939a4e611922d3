namespace RulesEngine.Connectors.Telegram.Emulator;

/// <summary>A message the <see cref="TelegramEmulator"/> accepted, as the bot sent it.</summary>
/// <param name="ChatId">The chat as the request named it: a number as text ("-1001") or "@channel".</param>
/// <param name="ParseMode">The parse mode as sent ("Html", "MarkdownV2"...), or null for plain text.</param>
public sealed record TelegramSentMessage(
    long MessageId,
    string ChatId,
    string Text,
    string? ParseMode,
    bool LinkPreviewDisabled,
    DateTimeOffset SentAt);
