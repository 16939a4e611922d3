using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi.Tests;

/// <summary>The client plumbing HttpApiClient and HelpCrunchClient share (Sdk's HttpServicePipelines).</summary>
public sealed class HttpServicePipelinesTests
{
    private sealed record Answer(int Status);

    private static HttpServicePipelines<Answer> Calls(int maxAttempts) => new("pipelines-test",
        new RetrySettings(maxAttempts, TimeSpan.Zero, TimeSpan.Zero) { Timeout = TimeSpan.FromSeconds(7) }, handler: null, time: null,
        isTransient: outcome => outcome.Result is { Status: 503 or 429 },
        isTransientUnacted: outcome => outcome.Result is { Status: 429 },
        retryAfter: _ => null);

    [Fact]
    public async Task Retry_RepeatsA503_OnlyForARepeatableCall()
    {
        using var calls = Calls(maxAttempts: 3);
        var repeatable = 0;
        var unrepeatable = 0;

        await calls.Retry(repeatable: true).ExecuteAsync(_ => { repeatable++; return ValueTask.FromResult(new Answer(503)); });
        await calls.Retry(repeatable: false).ExecuteAsync(_ => { unrepeatable++; return ValueTask.FromResult(new Answer(503)); });

        Assert.Equal((3, 1), (repeatable, unrepeatable));
    }

    [Fact]
    public async Task Retry_RepeatsA429_EvenForAnUnrepeatableCall()
    {
        using var calls = Calls(maxAttempts: 2);
        var attempts = 0;

        var last = await calls.Retry(repeatable: false).ExecuteAsync(_ => { attempts++; return ValueTask.FromResult(new Answer(attempts == 1 ? 429 : 201)); });

        Assert.Equal((2, 201), (attempts, last.Status));
    }

    [Fact]
    public void Http_LeavesTimeoutsToThePipeline()
    {
        using var calls = Calls(maxAttempts: 1);

        Assert.Equal(Timeout.InfiniteTimeSpan, calls.Http.Timeout);
        Assert.Same(TimeProvider.System, calls.Time);
    }
}
