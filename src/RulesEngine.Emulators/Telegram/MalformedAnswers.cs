using RulesEngine.Emulation;

namespace RulesEngine.Connectors.Telegram.Emulator;

/// <summary>
/// Answers the Bot API never gives, to inject with the emulator's fault plan: a 200 whose body is not
/// <c>{"ok":true,"result":Message}</c> with a usable <c>message_id</c>. None may count as a sent message: the step
/// holds the row and the delivery policy decides what happens next. The emulator records no message for them.
/// </summary>
public static class MalformedAnswers
{
    private const string Message = """{"message_id": 7, "date": 1700000000, "chat": {"id": -1001234567890, "type": "supergroup"}, "text": "x"}""";

    /// <summary>For <c>sendMessage</c>, by name.</summary>
    public static IReadOnlyDictionary<string, Fault> SendMessage { get; } = new Dictionary<string, Fault>(StringComparer.Ordinal)
    {
        ["ok without result"] = Fault.Answer("""{"ok": true}"""),
        ["ok missing"] = Fault.Answer($$"""{"result": {{Message}}}"""),
        ["ok false on 200"] = Fault.Answer("""{"ok": false, "description": "strange"}"""),
        ["result empty"] = Fault.Answer("""{"ok": true, "result": {}}"""),
        ["result null"] = Fault.Answer("""{"ok": true, "result": null}"""),
        ["message_id 1e999"] = Fault.Answer("""{"ok": true, "result": {"message_id": 1e999, "date": 1700000000, "chat": {"id": 1, "type": "private"}}}"""),
        ["message_id zero"] = Fault.Answer("""{"ok": true, "result": {"message_id": 0, "date": 1700000000, "chat": {"id": 1, "type": "private"}}}"""),
        ["message_id text"] = Fault.Answer("""{"ok": true, "result": {"message_id": "seven", "date": 1700000000, "chat": {"id": 1, "type": "private"}}}"""),
        ["result an array"] = Fault.Answer("""{"ok": true, "result": [1, 2]}"""),
        ["HTML from a proxy"] = Fault.Answer("<html><body><h1>200 OK</h1>cached page</body></html>", contentType: "text/html"),
        ["empty body"] = Fault.Answer("", contentType: "text/plain"),
        ["truncated JSON"] = Fault.Answer("""{"ok": true, "result": {"message_id": 7, "da"""),
    };

    public static Fault[] All => [.. SendMessage.Values];
}
