using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi.Tests;

/// <summary>The shared retry fields (RetryFields) as an "http" connection declares and reads them.</summary>
public sealed class RetryFieldsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("http-retry-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (HttpApiClient? Client, List<Diagnostic> Diagnostics) Load(string entry)
    {
        var registry = new ConnectorRegistry();
        HttpApiConnector.Register(registry);
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, $"{{\"api\": {entry}}}");
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, registry, diagnostics);
        return (file.Get("api", "http", new SourceLocation("flow.json", 1, 1), diagnostics) as HttpApiClient, diagnostics);
    }

    [Fact]
    public void Connection_ReadsEveryRetryField_IntoRetrySettings()
    {
        var (client, diagnostics) = Load("""{"type":"http","baseUrl":"https://api.example.com","maxAttempts":7,"timeoutSeconds":12.5,"retryDelaySeconds":3,"maxRetryAfterSeconds":90,"requestsPerMinute":30}""");

        Assert.Empty(diagnostics);
        using var _ = client;
        Assert.Equal(new RetrySettings(7, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30))
        {
            Timeout = TimeSpan.FromSeconds(12.5),
            MaxRetryAfter = TimeSpan.FromSeconds(90),
            RequestsPerMinute = 30,
        }, client!.Options.Retry);
    }

    [Fact]
    public void Connection_WithoutRetryFields_GetsTheDefaultsItsSpecDeclares()
    {
        var (client, diagnostics) = Load("""{"type":"http","baseUrl":"https://api.example.com"}""");

        Assert.Empty(diagnostics);
        using var _ = client;
        var retry = client!.Options.Retry;
        Assert.Equal((4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 0),
            (retry.MaxAttempts, retry.BaseDelay, retry.Timeout, retry.MaxRetryAfter, retry.RequestsPerMinute));
        Assert.Equal(HttpApiConnectionSpec.Retry.Defaults, retry);
    }

    [Fact]
    public void Spec_DeclaresTheRetryFields_InTheirDocumentedOrder()
    {
        var names = HttpApiConnectionSpec.Spec.Fields.Select(f => f.Name).ToList();

        Assert.Equal(["maxAttempts", "timeoutSeconds", "retryDelaySeconds", "maxRetryAfterSeconds", "requestsPerMinute"], names.TakeLast(5));
        Assert.Same(HttpApiConnectionSpec.Retry.MaxAttempts, HttpApiConnectionSpec.Spec.Field("maxAttempts"));
    }

    [Theory]
    [InlineData("\"maxAttempts\":0")]
    [InlineData("\"timeoutSeconds\":601")]
    [InlineData("\"maxRetryAfterSeconds\":3601")]
    [InlineData("\"requestsPerMinute\":-1")]
    public void Connection_RejectsARetryFieldOutOfItsRange_AtTheValue(string setting)
    {
        var (client, diagnostics) = Load($$"""{"type":"http","baseUrl":"https://api.example.com",{{setting}}}""");

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == ConnectionErrors.OutOfRange && d.Message.Contains(setting.Split(':')[0], StringComparison.Ordinal));
    }
}
