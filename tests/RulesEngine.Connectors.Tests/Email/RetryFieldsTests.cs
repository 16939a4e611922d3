using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email.Tests;

/// <summary>The shared retry fields (RetryFields) as an "email" connection declares and reads them.</summary>
public sealed class RetryFieldsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("email-retry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (EmailClient? Client, List<Diagnostic> Diagnostics) Load(string settings)
    {
        var registry = new ConnectorRegistry();
        EmailConnector.Register(registry);
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, $$$"""{"mail": {"type":"email","host":"smtp.example.com","security":"none"{{{settings}}}}}""");
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, registry, diagnostics);
        return (file.Get("mail", "email", new SourceLocation("flow.json", 1, 1), diagnostics) as EmailClient, diagnostics);
    }

    [Fact]
    public void Connection_WithoutRetryFields_KeepsTheSmtpDefaults()
    {
        var (client, diagnostics) = Load("");

        Assert.Empty(diagnostics);
        Assert.Equal(new RetrySettings(3, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)) { Timeout = TimeSpan.FromSeconds(60) },
            client!.Options.Retry);
        Assert.Equal(client.Options.Retry, new EmailOptions { Host = "smtp.example.com" }.Retry);
    }

    [Fact]
    public void Connection_ReadsTheRetryFieldsItDeclares()
    {
        var (client, diagnostics) = Load(""","maxAttempts":5,"timeoutSeconds":0.5,"retryDelaySeconds":0""");

        Assert.Empty(diagnostics);
        var retry = client!.Options.Retry;
        Assert.Equal((5, TimeSpan.FromSeconds(0.5), TimeSpan.Zero, 0), (retry.MaxAttempts, retry.Timeout, retry.BaseDelay, retry.RequestsPerMinute));
    }

    [Theory]
    [InlineData("maxRetryAfterSeconds")]
    [InlineData("requestsPerMinute")]
    public void Connection_RejectsRetryFieldsItDoesNotDeclare(string key)
    {
        var (client, diagnostics) = Load($$""","{{key}}":10""");

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == ConnectionErrors.UnknownKey && d.Message.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_WithUnusableRetrySettings_SayWhichOne()
    {
        var options = new EmailOptions { Host = "smtp.example.com", Retry = EmailConnectionSpec.Retry.Defaults with { MaxAttempts = 0 } };

        Assert.Equal("MaxAttempts must be at least 1", options.Validate());
    }
}
