using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HttpApi.Tests.Support;

namespace RulesEngine.Connectors.HttpApi.Tests;

/// <summary>Mistakes in an http.request step or an "http" connection are reported when the flow loads, at their place.</summary>
public sealed class LoadErrorTests : IAsyncLifetime
{
    private HttpTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HttpTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [InlineData("\"url\": \"https://evil.example.com/steal\"", "RE1301", "not a full URL")]
    [InlineData("\"url\": \"/x\", \"successStatus\": \"2xx,banana\"", "RE1302", "'banana' is not a status code")]
    [InlineData("\"url\": \"/x\", \"outputs\": { \"id\": \"{Email}\" }", "RE1303", "not a template")]
    [InlineData("\"url\": \"/x\", \"outputs\": { \"status\": \"data.status\" }", "RE1303", "always set to the HTTP status")]
    [InlineData("\"url\": \"/x\", \"headers\": { \"Authorization\": \"Basic abc\" }", "RE1304", "set by the connection")]
    [InlineData("\"url\": \"/x\", \"headers\": { \"Content-Type\": \"text/plain\" }", "RE1304", "set by the client")]
    [InlineData("\"url\": \"/x\", \"headers\": { \"Bad Name\": \"v\" }", "RE1304", "not a header name")]
    [InlineData("\"url\": \"/x\", \"body\": { \"a\": 1 }", "RE1305", "cannot go with GET")]
    public void Load_ReportsAStepMistake_WithItsCode(string fields, string code, string text)
    {
        var set = _bed.Load($$"""[ { "id": "call", "type": "http.request", "connection": "api", "method": "GET", {{fields}} } ]""");

        var diagnostic = Assert.Single(set.Diagnostics);
        Assert.Equal(code, diagnostic.Code);
        Assert.Contains(text, diagnostic.Message);
        Assert.Empty(set.Flows);
    }

    [Theory]
    [InlineData("baseUrl", null, "RE0301")]
    [InlineData("baseUrl", "ftp://example.com", "RE0314")]
    [InlineData("baseUrl", "https://api.example.com/v1?key=1", "RE0319")]
    [InlineData("apiKey", null, "RE0318")]
    [InlineData("apiKeyHeader", "X Api Key", "RE0319")]
    public void Load_ReportsAConnectionMistake_WithTheSharedCode(string key, string? value, string code)
    {
        var connection = _bed.Connection();
        if (value is null) connection.Remove(key);
        else connection[key] = value;

        var set = _bed.Load("""[ { "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/x" } ]""", connection);

        Assert.Contains(set.Diagnostics, d => d.Code == code);
        Assert.Empty(set.Flows);
    }

    [Fact]
    public void Load_NeverPrintsTheCredential_InAConnectionError()
    {
        var connection = _bed.Connection();
        connection["apiKeyHeader"] = "X Api Key";

        var set = _bed.Load("""[ { "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/x" } ]""", connection);

        Assert.NotEmpty(set.Diagnostics);
        Assert.All(set.Diagnostics, d => Assert.DoesNotContain(TestApi.Token, d.ToString()));
    }
}
