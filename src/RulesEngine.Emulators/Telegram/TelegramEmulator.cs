using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.Telegram.Emulator;

/// <summary>
/// A local Bot API server for tests and the demo: <c>GET|POST /bot{token}/{method}</c> at its root (Telegram.Bot
/// cannot reach a server mounted under a path), with <c>sendMessage</c> and <c>getMe</c> (method names
/// case-insensitive, <c>/bot{token}/test/{method}</c> too). It validates like the real server, answers errors with
/// HTTP status = <c>error_code</c>, and records every accepted message in <see cref="SentMessages"/>.
/// Text length is checked on the raw text (the real server counts after parsing markup).
/// </summary>
public sealed partial class TelegramEmulator : IAsyncDisposable
{
    /// <summary>The bot token the emulator accepts from the start; others answer 401 until <see cref="AcceptToken"/>.</summary>
    public const string DefaultToken = "123456:TEST-emulator-token";

    private const int MaxTextLength = 4096;

    private readonly object _gate = new();
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal) { DefaultToken };
    private readonly List<TelegramSentMessage> _sent = [];
    private readonly Dictionary<string, DateTimeOffset> _lastSentPerChat = new(StringComparer.Ordinal);
    private HashSet<string>? _knownChats;
    private TimeSpan? _perChatInterval;
    private long _lastMessageId;
    private EmulatorHost _host = null!;

    private TelegramEmulator()
    {
    }

    /// <summary>Starts listening on 127.0.0.1 (<paramref name="port"/> 0: a free port).</summary>
    public static async Task<TelegramEmulator> StartAsync(int port = 0)
    {
        var emulator = new TelegramEmulator();
        emulator._host = await EmulatorHost.StartAsync(app => ((IApplicationBuilder)app).Run(emulator.HandleAsync), WriteFaultAsync, port).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>The URL to use as a telegram connection's <c>baseUrl</c>, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>Injected failures: a 429 fault carries <c>parameters.retry_after</c>; Drop and Delay act on the connection.</summary>
    public FaultPlan Faults => _host.Faults;

    /// <summary>Every request as received (paths include the bot token, which here is a test value).</summary>
    public IReadOnlyList<RecordedRequest> Received => _host.Received;

    /// <summary>Messages accepted so far, in order.</summary>
    public IReadOnlyList<TelegramSentMessage> SentMessages
    {
        get
        {
            lock (_gate) return [.. _sent];
        }
    }

    public void ClearSentMessages()
    {
        lock (_gate)
        {
            _sent.Clear();
            _lastSentPerChat.Clear();
        }
        _host.ClearReceived();
    }

    public void AcceptToken(string token)
    {
        lock (_gate) _tokens.Add(token);
    }

    /// <summary>Only these chats exist (ids as text, "-1001" or "@alerts"); others answer "chat not found".
    /// Call with nothing to accept every chat again (the default).</summary>
    public void RestrictChats(params string[] chatIds)
    {
        lock (_gate) _knownChats = chatIds.Length == 0 ? null : new HashSet<string>(chatIds, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Answer 429 (with <c>retry_after</c>) to a message that follows another to the same chat sooner than
    /// <paramref name="minInterval"/>, as Telegram's flood control does. Null switches it off (the default).</summary>
    public void LimitPerChat(TimeSpan? minInterval)
    {
        lock (_gate) _perChatInterval = minInterval;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var match = Route().Match(context.Request.Path.Value ?? "");
        if (!match.Success)
        {
            await WriteErrorAsync(context, 404, "Not Found").ConfigureAwait(false);
            return;
        }
        bool knownToken;
        lock (_gate) knownToken = _tokens.Contains(match.Groups["token"].Value);
        if (!knownToken)
        {
            await WriteErrorAsync(context, 401, "Unauthorized").ConfigureAwait(false);
            return;
        }
        var token = match.Groups["token"].Value;
        var botId = long.TryParse(token.Split(':')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
        switch (match.Groups["method"].Value.ToLowerInvariant())
        {
            case "getme":
                await WriteResultAsync(context, BotUser(botId)).ConfigureAwait(false);
                return;
            case "sendmessage":
                var parameters = await BotApiParameters.ReadAsync(context.Request).ConfigureAwait(false);
                if (parameters is null)
                {
                    await WriteErrorAsync(context, 400, "Bad Request: can't parse JSON object").ConfigureAwait(false);
                    return;
                }
                await SendMessageAsync(context, parameters, botId).ConfigureAwait(false);
                return;
            default:
                await WriteErrorAsync(context, 404, "Not Found: method not found").ConfigureAwait(false);
                return;
        }
    }

    private async Task SendMessageAsync(HttpContext context, BotApiParameters parameters, long botId)
    {
        var chatId = (parameters["chat_id"] ?? "").Trim();
        var text = parameters["text"] ?? "";
        var parseMode = parameters["parse_mode"];
        if (chatId.Length == 0)
        {
            await WriteErrorAsync(context, 400, "Bad Request: chat_id is empty").ConfigureAwait(false);
            return;
        }
        var chat = ChatFor(chatId);
        if (chat is null)
        {
            await WriteErrorAsync(context, 400, "Bad Request: chat not found").ConfigureAwait(false);
            return;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            await WriteErrorAsync(context, 400, "Bad Request: message text is empty").ConfigureAwait(false);
            return;
        }
        if (!string.IsNullOrEmpty(parseMode) && parseMode.ToLowerInvariant() is not ("html" or "markdown" or "markdownv2"))
        {
            await WriteErrorAsync(context, 400, "Bad Request: unsupported parse_mode").ConfigureAwait(false);
            return;
        }
        if (text.Trim().Length > MaxTextLength)
        {
            await WriteErrorAsync(context, 400, "Bad Request: message is too long").ConfigureAwait(false);
            return;
        }

        TelegramSentMessage sent;
        int? retryAfter = null;
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            if (_perChatInterval is { } interval && _lastSentPerChat.TryGetValue(chatId, out var last) && now - last < interval)
            {
                retryAfter = Math.Max(1, (int)Math.Ceiling((interval - (now - last)).TotalSeconds));
                sent = null!;
            }
            else
            {
                _lastSentPerChat[chatId] = now;
                sent = new TelegramSentMessage(++_lastMessageId, chatId, text, string.IsNullOrEmpty(parseMode) ? null : parseMode,
                    parameters.LinkPreviewDisabled(), now);
                _sent.Add(sent);
            }
        }
        if (retryAfter is { } seconds)
        {
            await WriteErrorAsync(context, 429, $"Too Many Requests: retry after {seconds}", seconds).ConfigureAwait(false);
            return;
        }
        var message = new JsonObject
        {
            ["message_id"] = sent.MessageId,
            ["from"] = BotUser(botId),
            ["chat"] = chat,
            ["date"] = sent.SentAt.ToUnixTimeSeconds(),
            ["text"] = text,
        };
        await WriteResultAsync(context, message).ConfigureAwait(false);
    }

    /// <summary>The Chat object for a chat id, or null when there is no such chat.</summary>
    private JsonObject? ChatFor(string chatId)
    {
        lock (_gate)
        {
            if (_knownChats is not null && !_knownChats.Contains(chatId)) return null;
        }
        if (long.TryParse(chatId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id != 0)
        {
            return id > 0
                ? new JsonObject { ["id"] = id, ["type"] = "private", ["first_name"] = "Emulated user" }
                : new JsonObject { ["id"] = id, ["type"] = id <= -1_000_000_000_000 ? "supergroup" : "group", ["title"] = "Emulated group" };
        }
        if (Username().IsMatch(chatId))
        {
            return new JsonObject
            {
                ["id"] = -1_000_000_000_000 - StableNumber(chatId.ToLowerInvariant()),
                ["type"] = "channel",
                ["title"] = chatId[1..],
                ["username"] = chatId[1..],
            };
        }
        return null;
    }

    private static JsonObject BotUser(long botId) =>
        new() { ["id"] = botId, ["is_bot"] = true, ["first_name"] = "Emulated Bot", ["username"] = "emulated_bot" };

    // FNV-1a: string.GetHashCode differs per process, and a channel should keep its id across runs.
    private static long StableNumber(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text) hash = (hash ^ c) * 16777619u;
        return hash % 1_000_000_000;
    }

    private static Task WriteFaultAsync(HttpContext context, Fault fault)
    {
        var status = fault.Kind == FaultKind.RateLimited ? 429 : fault.StatusCode;
        var description = fault.Message ?? status switch
        {
            429 => $"Too Many Requests: retry after {fault.RetryAfterSeconds}",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            500 => "Internal Server Error",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            _ => "Error",
        };
        return WriteErrorAsync(context, status, description, status == 429 ? fault.RetryAfterSeconds : null);
    }

    private static Task WriteResultAsync(HttpContext context, JsonNode result) =>
        WriteJsonAsync(context, 200, new JsonObject { ["ok"] = true, ["result"] = result });

    private static Task WriteErrorAsync(HttpContext context, int status, string description, int? retryAfter = null)
    {
        var body = new JsonObject { ["ok"] = false, ["error_code"] = status, ["description"] = description };
        if (retryAfter is { } seconds) body["parameters"] = new JsonObject { ["retry_after"] = seconds };
        return WriteJsonAsync(context, status, body);
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    [GeneratedRegex(@"^/bot(?<token>[^/]+)(?:/test)?/(?<method>[A-Za-z]+)/?$")]
    private static partial Regex Route();

    [GeneratedRegex("^@[A-Za-z0-9_]+$")]
    private static partial Regex Username();
}
