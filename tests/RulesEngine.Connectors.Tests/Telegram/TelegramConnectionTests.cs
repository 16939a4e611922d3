using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram.Tests;

public sealed class TelegramConnectionTests
{
    [Fact]
    public void Register_AddsTheConnectionTypeAndTheSendMessageStep()
    {
        var registry = new ConnectorRegistry();
        TelegramConnector.Register(registry);

        Assert.Contains("telegram", registry.ConnectionTypes);
        var spec = Assert.Single(registry.Receivers);
        Assert.Equal("telegram.sendMessage", spec.Type);
        Assert.Equal("telegram", spec.ConnectionType);
        Assert.Equal(FieldKind.Template, spec.Field("chatId")!.Kind);
        Assert.True(spec.Field("text")!.Required);
        Assert.Equal(["none", "HTML", "MarkdownV2", "Markdown"], spec.Field("parseMode")!.AllowedValues);
        Assert.Equal(FieldKind.Boolean, spec.Field("disableLinkPreview")!.Kind);
    }

    [Fact]
    public async Task Connection_Loads_WithTheTokenFromTheEnvironment_AndReachesTheEmulator()
    {
        await using var emulator = await TelegramEmulator.StartAsync();
        var variable = "TG_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, TelegramEmulator.DefaultToken);
        try
        {
            var (connection, diagnostics) = ConnectionsFixture.Load($$"""
                { "telegram": { "type": "telegram", "botToken": "${env:{{variable}}}", "baseUrl": "{{emulator.BaseUrl}}/" } }
                """);

            Assert.Empty(diagnostics);
            using var client = Assert.IsType<TelegramClient>(connection);
            Assert.Equal(emulator.BaseUrl, client.BaseUrl);
            var me = await client.GetMeAsync();
            Assert.True(me.IsBot);
            Assert.Equal(123456, me.Id);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Connection_DefaultsToTheRealBotApi()
    {
        var (connection, diagnostics) = ConnectionsFixture.Load("""{ "telegram": { "type": "telegram", "botToken": "42:default-base-url-token" } }""");

        Assert.Empty(diagnostics);
        using var client = Assert.IsType<TelegramClient>(connection);
        Assert.Equal("https://api.telegram.org", client.BaseUrl);
        Assert.Equal("https://api.telegram.org/bot***/sendMessage", client.ShownUrl("sendMessage"));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("abc:def-secret-part")]
    [InlineData("12345678901234567:too-long-bot-id")]
    [InlineData("123456:has space")]
    public void Connection_ReportsAMalformedToken_WithoutPrintingIt(string token)
    {
        var (connection, diagnostics) = ConnectionsFixture.Load($$"""{ "telegram": { "type": "telegram", "botToken": "{{token}}" } }""");

        Assert.Null(connection);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("RE0319", diagnostic.Code);
        Assert.Contains("is not a Telegram bot token", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_ReportsAMissingTokenVariable()
    {
        var (connection, diagnostics) = ConnectionsFixture.Load("""{ "telegram": { "type": "telegram", "botToken": "${env:TG_TEST_NOT_SET_ANYWHERE}" } }""");

        Assert.Null(connection);
        Assert.Contains(diagnostics, d => d.Message.Contains("TG_TEST_NOT_SET_ANYWHERE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081/telegram", "Telegram.Bot drops the path")]
    [InlineData("ftp://127.0.0.1", "absolute http(s) URL")]
    [InlineData("localhost:8081", "absolute http(s) URL")]
    public void Connection_RejectsABaseUrlTelegramBotCannotUse(string baseUrl, string expected)
    {
        var (connection, diagnostics) = ConnectionsFixture.Load($$"""{ "telegram": { "type": "telegram", "botToken": "42:some-secret-token", "baseUrl": "{{baseUrl}}" } }""");

        Assert.Null(connection);
        Assert.Contains(expected, Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxAttempts", "0")]
    [InlineData("maxAttempts", "2.5")]
    [InlineData("timeoutSeconds", "soon")]
    [InlineData("messagesPerSecond", "0")]
    public void Connection_RejectsOutOfRangeSettings(string key, string value)
    {
        var (connection, diagnostics) = ConnectionsFixture.Load($$"""{ "telegram": { "type": "telegram", "botToken": "42:some-secret-token", "{{key}}": "{{value}}" } }""");

        Assert.Null(connection);
        Assert.Contains($"\"{key}\" must be a", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_ReadsRetryAndPacingSettings()
    {
        var (connection, diagnostics) = ConnectionsFixture.Load("""
            { "telegram": { "type": "telegram", "botToken": "42:some-secret-token", "maxAttempts": 2, "timeoutSeconds": 0.5,
              "retryDelaySeconds": 0, "maxRetryAfterSeconds": 10, "perChatIntervalSeconds": 0, "messagesPerSecond": 100 } }
            """);

        Assert.Empty(diagnostics);
        using var client = Assert.IsType<TelegramClient>(connection);
    }
}
