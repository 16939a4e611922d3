using System.Text.Json.Serialization;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// <c>sendMessage</c> with the four parameters the step sends, answered by the one field it reads. Telegram.Bot's
/// own request is answered by its full <c>Message</c> type, and System.Text.Json builds its serialization metadata by
/// reflection on first use: the whole graph under <c>Message</c> and under the request's optional parameters (reply
/// markups, entities, polls, stickers, gifts: hundreds of types, a converter compiled for each enum), about a third
/// of a second of CPU in every process that sends its first message (docs/performance.md, "The first message").
/// The body it writes is the same JSON, with the same converters, as Telegram.Bot's request (SendMessageTests pins it).
/// </summary>
internal sealed class SendTextRequest() : RequestBase<SentMessage>("sendMessage")
{
    [JsonPropertyName("chat_id")]
    public required ChatId ChatId { get; init; }

    [JsonPropertyName("text")]
    public required string Text { get; init; }

    [JsonPropertyName("parse_mode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ParseMode ParseMode { get; init; }

    [JsonPropertyName("link_preview_options")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public LinkPreviewOptions? LinkPreviewOptions { get; init; }
}

/// <summary>What the engine reads of the <c>Message</c> Telegram answers a send with: its id. Other fields are not
/// read, so they cannot make a delivered message look undelivered.</summary>
public sealed class SentMessage
{
    /// <summary>0 when the answer had no <c>message_id</c> (the caller treats that as a malformed answer).</summary>
    [JsonPropertyName("message_id")]
    public int Id { get; init; }
}
