using System.Net;
using System.Text;
using System.Text.Json;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>The emulator speaks the Bot API wire format to any HTTP client, not only Telegram.Bot.</summary>
public sealed class TelegramEmulatorTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private TelegramEmulator _emulator = null!;

    private string Bot => $"{_emulator.BaseUrl}/bot{TelegramEmulator.DefaultToken}";

    public async Task InitializeAsync() => _emulator = await TelegramEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task SendMessage_AcceptsJsonFormAndQueryParameters_WithAnyMethodCase()
    {
        using var json = new StringContent("""{"chat_id":-1001,"text":"from json","parse_mode":"html"}""", Encoding.UTF8, "application/json");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["chat_id"] = "@alerts", ["text"] = "from form", ["disable_web_page_preview"] = "true" });

        var (status1, _) = await PostAsync($"{Bot}/sendMessage", json);
        var (status2, _) = await PostAsync($"{Bot}/SENDMESSAGE", form);
        var (status3, body3) = await GetAsync($"{Bot}/sendmessage?chat_id=42&text=from%20query");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], new[] { status1, status2, status3 });
        Assert.True(body3.GetProperty("ok").GetBoolean());
        Assert.Equal("from query", body3.GetProperty("result").GetProperty("text").GetString());
        Assert.Equal(42, body3.GetProperty("result").GetProperty("chat").GetProperty("id").GetInt64());
        var sent = _emulator.SentMessages;
        Assert.Equal(["-1001", "@alerts", "42"], sent.Select(m => m.ChatId));
        Assert.Equal("html", sent[0].ParseMode);
        Assert.True(sent[1].LinkPreviewDisabled);
        Assert.Equal([1L, 2L, 3L], sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task GetMe_ReturnsTheBot()
    {
        var (status, body) = await GetAsync($"{Bot}/getMe");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("result").GetProperty("is_bot").GetBoolean());
        Assert.Equal(123456, body.GetProperty("result").GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("bot999:unknown-token/sendMessage?chat_id=1&text=x", 401, "Unauthorized")]
    [InlineData("bot123456:TEST-emulator-token/sendMessage?text=x", 400, "Bad Request: chat_id is empty")]
    [InlineData("bot123456:TEST-emulator-token/sendMessage?chat_id=1&text=", 400, "Bad Request: message text is empty")]
    [InlineData("bot123456:TEST-emulator-token/sendMessage?chat_id=not-a-chat&text=x", 400, "Bad Request: chat not found")]
    [InlineData("bot123456:TEST-emulator-token/sendMessage?chat_id=1&text=x&parse_mode=bbcode", 400, "Bad Request: unsupported parse_mode")]
    [InlineData("bot123456:TEST-emulator-token/sendSticker?chat_id=1", 404, "Not Found: method not found")]
    public async Task Errors_HaveStatusEqualToErrorCode_AndTheServersDescription(string path, int code, string description)
    {
        var (status, body) = await GetAsync($"{_emulator.BaseUrl}/{path}");

        Assert.Equal(code, (int)status);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Equal(code, body.GetProperty("error_code").GetInt32());
        Assert.Equal(description, body.GetProperty("description").GetString());
        Assert.Empty(_emulator.SentMessages);
    }

    [Fact]
    public async Task SendMessage_RejectsTextOver4096Characters()
    {
        using var json = new StringContent(JsonSerializer.Serialize(new { chat_id = 1, text = new string('x', 4097) }), Encoding.UTF8, "application/json");

        var (status, body) = await PostAsync($"{Bot}/sendMessage", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bad Request: message is too long", body.GetProperty("description").GetString());
    }

    [Fact]
    public async Task SendMessage_AnswersChatNotFound_ForChatsOutsideTheKnownSet()
    {
        _emulator.RestrictChats("-1001", "@alerts");

        var (known, _) = await GetAsync($"{Bot}/sendMessage?chat_id=%40ALERTS&text=x");
        var (unknown, body) = await GetAsync($"{Bot}/sendMessage?chat_id=-1002&text=x");

        Assert.Equal(HttpStatusCode.OK, known);
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("Bad Request: chat not found", body.GetProperty("description").GetString());
    }

    [Fact]
    public async Task InjectedRateLimit_CarriesRetryAfter()
    {
        _emulator.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 7));

        var (status, body) = await GetAsync($"{Bot}/sendMessage?chat_id=1&text=x");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("Too Many Requests: retry after 7", body.GetProperty("description").GetString());
        Assert.Equal(7, body.GetProperty("parameters").GetProperty("retry_after").GetInt32());
    }

    [Fact]
    public async Task PerChatRateLimit_Answers429_ForASecondMessageTooSoon_ButNotForAnotherChat()
    {
        _emulator.LimitPerChat(TimeSpan.FromSeconds(10));

        var (first, _) = await GetAsync($"{Bot}/sendMessage?chat_id=1&text=a");
        var (second, body) = await GetAsync($"{Bot}/sendMessage?chat_id=1&text=b");
        var (other, _) = await GetAsync($"{Bot}/sendMessage?chat_id=2&text=c");

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.TooManyRequests, second);
        Assert.InRange(body.GetProperty("parameters").GetProperty("retry_after").GetInt32(), 1, 10);
        Assert.Equal(HttpStatusCode.OK, other);
        Assert.Equal(["a", "c"], _emulator.SentMessages.Select(m => m.Text));
    }

    [Fact]
    public async Task AcceptToken_AddsABot()
    {
        _emulator.AcceptToken("777:another-bot");

        var (status, body) = await GetAsync($"{_emulator.BaseUrl}/bot777:another-bot/test/getMe");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(777, body.GetProperty("result").GetProperty("id").GetInt64());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string url)
    {
        using var response = await _http.GetAsync(new Uri(url));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string url, HttpContent content)
    {
        using var response = await _http.PostAsync(new Uri(url), content);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
