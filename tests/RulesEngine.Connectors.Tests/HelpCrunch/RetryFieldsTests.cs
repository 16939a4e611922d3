using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>The shared retry fields (RetryFields) as a "helpCrunch" connection declares and reads them.</summary>
public sealed class RetryFieldsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("helpcrunch-retry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (HelpCrunchClient? Client, List<Diagnostic> Diagnostics) Load(string settings)
    {
        var registry = new ConnectorRegistry();
        HelpCrunchConnector.Register(registry);
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, $$$"""{"hc": {"type":"helpCrunch","apiKey":"retry-fields-test-key"{{{settings}}}}}""");
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, registry, diagnostics);
        return (file.Get("hc", HelpCrunchConnection.Type, new SourceLocation("flow.json", 1, 1), diagnostics) as HelpCrunchClient, diagnostics);
    }

    [Fact]
    public void Connection_WithoutRetryFields_KeepsHelpCrunchsDefaults()
    {
        var (client, diagnostics) = Load("");

        Assert.Empty(diagnostics);
        using var _ = client;
        Assert.Equal(new RetrySettings(4, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(30))
        {
            Timeout = TimeSpan.FromSeconds(30),
            RequestsPerMinute = 120,
        }, client!.Options.Retry);
    }

    [Fact]
    public void Connection_ReadsTheRetryFieldsItDeclares()
    {
        var (client, diagnostics) = Load(""","maxAttempts":2,"timeoutSeconds":0.01,"retryDelaySeconds":60,"requestsPerMinute":0""");

        Assert.Empty(diagnostics);
        using var _ = client;
        var retry = client!.Options.Retry;
        Assert.Equal((2, TimeSpan.FromSeconds(0.01), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), 0),
            (retry.MaxAttempts, retry.Timeout, retry.BaseDelay, retry.MaxDelay, retry.RequestsPerMinute));
    }

    [Fact]
    public void Connection_RejectsRetryDelayAboveItsOwnRange()
    {
        var (client, diagnostics) = Load(""","retryDelaySeconds":61""");

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == ConnectionErrors.OutOfRange && d.Message.Contains("retryDelaySeconds", StringComparison.Ordinal));
    }

    [Fact]
    public void Client_WithUnusableRetrySettings_Throws_NamingTheProblem()
    {
        var options = new HelpCrunchOptions { ApiKey = TestConnection.ApiKey, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { Timeout = TimeSpan.Zero } };

        var error = Assert.Throws<ArgumentException>(() => new HelpCrunchClient(options));

        Assert.Contains("Timeout must be at least 10 ms", error.Message, StringComparison.Ordinal);
    }
}
