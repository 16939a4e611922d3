using System.Diagnostics;
using System.Net;
using System.Text;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

public sealed class HelpCrunchClientTests
{
    [Fact]
    public async Task Search_SendsDocumentedFilterBodyAndBearerKey()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com", "Ann");
        using var client = TestConnection.Connect(emulator);

        var result = await client.SearchAsync("email", "ann@example.com", 1);

        Assert.Equal(1, result.Total);
        Assert.Equal("Ann", Assert.Single(result.Contacts).Name);
        var request = Assert.Single(emulator.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/customers/search", request.Path);
        Assert.Equal($"Bearer {TestConnection.ApiKey}", request.Headers["Authorization"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        var expected = JObject.Parse("""{"filter":[{"field":"customers.email","operator":"=","value":"ann@example.com"}],"limit":1,"offset":0}""");
        Assert.True(JToken.DeepEquals(expected, JObject.Parse(request.Body)), request.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Client_HonoursBaseUrl_WithOrWithoutTrailingSlash(string suffix)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("ann@example.com")["id"]!.ToString();
        using var client = TestConnection.Connect(emulator, s => s["baseUrl"] = emulator.BaseUrl + suffix);

        var contact = await client.GetAsync(id);

        Assert.Equal("ann@example.com", contact?.Email);
        Assert.Equal($"/v1/customers/{id}", Assert.Single(emulator.Received).Path);
    }

    [Fact]
    public async Task Get_ReturnsNull_WhenContactDoesNotExist()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);

        Assert.Null(await client.GetAsync("999"));
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Client_RetriesAfterRetryAfter_When429()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        emulator.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 1));
        using var client = TestConnection.Connect(emulator);

        var watch = Stopwatch.StartNew();
        var result = await client.SearchAsync("email", "ann@example.com", 1);

        Assert.Equal(1, result.Total);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited only {watch.Elapsed}; Retry-After was 1 s");
        Assert.Equal([429, null], emulator.Received.Select(r => r.FaultStatus));
    }

    [Fact]
    public async Task Client_Retries_When500()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        emulator.Faults.FailNext(Fault.Status(500));
        emulator.Faults.FailNext(Fault.Status(502));
        using var client = TestConnection.Connect(emulator);

        var result = await client.SearchAsync("email", "ann@example.com", 1);

        Assert.Equal(1, result.Total);
        Assert.Equal(3, emulator.Received.Count);
    }

    [Fact]
    public async Task Client_ThrowsTransient_When503PersistsThroughEveryAttempt()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Status(503));
        using var client = TestConnection.Connect(emulator);

        var error = await Assert.ThrowsAsync<HelpCrunchException>(() => client.SearchAsync("email", "a@b.c", 1));

        Assert.True(error.IsTransient);
        Assert.Equal(503, error.StatusCode);
        Assert.Contains("HelpCrunch 503 service_unavailable", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_DoesNotRetry_WhenServiceRejectsRequest()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);

        var error = await Assert.ThrowsAsync<HelpCrunchException>(() => client.CreateAsync(new JObject { ["locale"] = "xx" }));

        Assert.False(error.IsTransient);
        Assert.Equal(400, error.StatusCode);
        Assert.True(error.HasCode("invalid_locale_value"));
        Assert.StartsWith("HelpCrunch 400 invalid_locale_value: ", error.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Received);
    }

    [Fact]
    public async Task Client_ThrowsPermanentWithoutKey_WhenKeyIsWrong()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        const string wrongKey = "wrong-secret-key-4711";
        using var client = TestConnection.Connect(emulator, apiKey: wrongKey);

        var error = await Assert.ThrowsAsync<HelpCrunchException>(() => client.SearchAsync("email", "a@b.c", 1));

        Assert.False(error.IsTransient);
        Assert.Equal("HelpCrunch 401 invalid_token: Invalid token", error.Message);
        Assert.DoesNotContain(wrongKey, error.ToString(), StringComparison.Ordinal);
        Assert.Single(emulator.Received);
    }

    [Fact]
    public async Task Client_WaitsInsteadOfSending_WhenRequestsPerMinuteIsUsedUp()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator, s => s["requestsPerMinute"] = 2);
        await client.SearchAsync("email", "a@b.c", 1);
        await client.SearchAsync("email", "a@b.c", 1);

        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SearchAsync("email", "a@b.c", 1, cancellationToken: patience.Token));

        Assert.Equal(2, emulator.Received.Count);
    }

    [Fact]
    public async Task Client_ThrowsTransient_WhenConnectionIsRefused()
    {
        // A port that was free a moment ago: nothing listens there.
        string baseUrl;
        await using (var gone = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey)) baseUrl = gone.BaseUrl;
        using var client = new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = TestConnection.ApiKey, BaseUrl = baseUrl, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10), RequestsPerMinute = 0 },
        });

        var error = await Assert.ThrowsAsync<HelpCrunchException>(() => client.SearchAsync("email", "a@b.c", 1));

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_ReadsTolerantly_WhenIdIsTextAndCustomDataIsArrayAndTimestampsAreNumbers()
    {
        const string body = """
            {"id":"542335","email":"ann@example.com","firstSeen":1603885746,"lastSeen":"1603885800",
             "customData":[{"property":"plan","value":"pro"},{"property":"payments","value":15}]}
            """;
        using var client = new HelpCrunchClient(
            new HelpCrunchOptions { ApiKey = TestConnection.ApiKey, BaseUrl = "http://stub/v1", Retry = HelpCrunchConnectionSpec.Retry.Defaults with { RequestsPerMinute = 0 } },
            new StubHandler(HttpStatusCode.OK, body));

        var contact = await client.GetAsync("542335");

        Assert.NotNull(contact);
        Assert.Equal("542335", contact.Id);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1603885746), contact.FirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1603885800), contact.LastSeen);
        Assert.Equal("pro", contact.CustomData["plan"]!.ToString());
        Assert.Equal(15, contact.CustomData["payments"]!.Value<int>());
    }

    [Fact]
    public async Task Client_ScansWholeErrorsArray_WhenSpecificCodeComesSecond()
    {
        const string body = """{"errors":[{"code":"invalid_request","message":"Invalid request"},{"code":"invalid_userId_value","message":"taken"}]}""";
        using var client = new HelpCrunchClient(
            new HelpCrunchOptions { ApiKey = TestConnection.ApiKey, BaseUrl = "http://stub/v1", Retry = HelpCrunchConnectionSpec.Retry.Defaults with { RequestsPerMinute = 0 } },
            new StubHandler(HttpStatusCode.BadRequest, body));

        var error = await Assert.ThrowsAsync<HelpCrunchException>(() => client.CreateAsync(new JObject { ["userId"] = "u1" }));

        Assert.Equal(["invalid_request", "invalid_userId_value"], error.Codes);
        Assert.Equal("HelpCrunch 400 invalid_userId_value: taken", error.Message);
    }

    private sealed class StubHandler(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
