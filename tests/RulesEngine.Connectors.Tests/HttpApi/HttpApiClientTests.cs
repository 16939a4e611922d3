using RulesEngine.Connectors.HttpApi.Tests.Support;

namespace RulesEngine.Connectors.HttpApi.Tests;

/// <summary>The "http" connection's self-test (rulesengine connections test) and the success rule's notation.</summary>
public sealed class HttpApiClientTests : IAsyncLifetime
{
    private HttpTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HttpTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private HttpApiClient Client(string baseUrl, string? token) => new(new HttpApiOptions
    {
        BaseUrl = baseUrl,
        Authorization = token is null ? null : "Bearer " + token,
        Retry = HttpApiConnectionSpec.Retry.Defaults with { MaxAttempts = 1 },
    });

    [Fact]
    public async Task SelfTest_SaysWhatTheServerAnswered()
    {
        using var client = Client(_bed.Api.BaseUrl + "/v1", TestApi.Token);

        Assert.Equal($"{_bed.Api.BaseUrl}/v1 answered 200 OK", await client.SelfTestAsync(default));
    }

    [Fact]
    public async Task SelfTest_Throws_WhenTheServerRefusesTheCredentials()
    {
        using var client = Client(_bed.Api.BaseUrl + "/v1/private", "wrong-token-0123456789");

        var e = await Assert.ThrowsAsync<HttpApiException>(() => client.SelfTestAsync(default));

        Assert.Contains("refused the credentials: 401", e.Message);
    }

    [Fact]
    public async Task SelfTest_Throws_WhenNothingAnswers()
    {
        var port = _bed.Api.BaseUrl;
        await _bed.Api.DisposeAsync();
        using var client = Client(port + "/v1", null);

        var e = await Assert.ThrowsAsync<HttpApiException>(() => client.SelfTestAsync(default));

        Assert.True(e.Transient);
        Assert.False(e.MayHaveActed);
    }

    [Theory]
    [InlineData("2xx", 200, true)]
    [InlineData("2xx", 299, true)]
    [InlineData("2xx", 300, false)]
    [InlineData("2xx,404", 404, true)]
    [InlineData("200-204, 409", 204, true)]
    [InlineData("200-204, 409", 205, false)]
    [InlineData("201", 200, false)]
    public void SuccessRule_AcceptsWhatItLists(string rule, int status, bool accepted)
    {
        Assert.True(SuccessRule.TryParse(rule, out var parsed, out var error), error);
        Assert.Equal(accepted, parsed.Accepts(status));
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("6xx")]
    [InlineData("299-200")]
    [InlineData("2000")]
    [InlineData("")]
    public void SuccessRule_RefusesWhatIsNotAStatus(string rule) => Assert.False(SuccessRule.TryParse(rule, out _, out _));
}
