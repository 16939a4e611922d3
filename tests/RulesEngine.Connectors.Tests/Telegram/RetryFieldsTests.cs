using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>The shared retry fields (RetryFields) as a "telegram" connection declares and reads them.</summary>
public sealed class RetryFieldsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("telegram-retry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (TelegramClient? Client, List<Diagnostic> Diagnostics) Load(string settings)
    {
        var registry = new ConnectorRegistry();
        TelegramConnector.Register(registry);
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, $$$"""{"bot": {"type":"telegram","botToken":"123456:retry-fields-test-token"{{{settings}}}}}""");
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, registry, diagnostics);
        return (file.Get("bot", "telegram", new SourceLocation("flow.json", 1, 1), diagnostics) as TelegramClient, diagnostics);
    }

    [Fact]
    public void Connection_WithoutRetryFields_KeepsTelegramsDefaults()
    {
        var (client, diagnostics) = Load("");

        Assert.Empty(diagnostics);
        using var _ = client;
        Assert.Equal(new RetrySettings(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30))
        {
            Timeout = TimeSpan.FromSeconds(30),
            MaxRetryAfter = TimeSpan.FromSeconds(60),
        }, client!.Options.Retry);
    }

    [Fact]
    public void Connection_RetryDelayAboveTheBackoffCap_RaisesTheCap_SoTheFirstDelayIsTheOneWritten()
    {
        var (client, diagnostics) = Load(""","retryDelaySeconds":45,"maxRetryAfterSeconds":3600,"maxAttempts":2""");

        Assert.Empty(diagnostics);
        using var _ = client;
        var retry = client!.Options.Retry;
        Assert.Equal((2, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45), TimeSpan.FromHours(1)),
            (retry.MaxAttempts, retry.BaseDelay, retry.MaxDelay, retry.MaxRetryAfter));
    }

    [Fact]
    public void Connection_RejectsRequestsPerMinute_BecauseTelegramPacesPerChatAndPerSecond()
    {
        var (client, diagnostics) = Load(""","requestsPerMinute":60""");

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == ConnectionErrors.UnknownKey && d.Message.Contains("requestsPerMinute", StringComparison.Ordinal));
    }
}
