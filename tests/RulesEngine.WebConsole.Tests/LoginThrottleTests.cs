using Microsoft.Extensions.Time.Testing;
using RulesEngine.WebConsole.Security;

namespace RulesEngine.WebConsole.Tests;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AfterFiveWrongTokens_TheAddressWaitsOutTheWindow_OtherAddressesDoNot()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < LoginThrottle.MaxFailures; i++)
        {
            Assert.True(throttle.MayTry("10.0.0.1", out _));
            throttle.Failed("10.0.0.1");
            _clock.Advance(TimeSpan.FromSeconds(10));
        }
        Assert.False(throttle.MayTry("10.0.0.1", out var retry));
        Assert.Equal(LoginThrottle.Window - TimeSpan.FromSeconds(50), retry);
        Assert.True(throttle.MayTry("10.0.0.2", out _));

        _clock.Advance(retry);
        Assert.True(throttle.MayTry("10.0.0.1", out _));
    }

    [Fact]
    public void ARightToken_ClearsTheCount()
    {
        var throttle = new LoginThrottle(_clock);
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++) throttle.Failed("10.0.0.1");
        throttle.Succeeded("10.0.0.1");
        throttle.Failed("10.0.0.1");
        Assert.True(throttle.MayTry("10.0.0.1", out _));
    }

    [Fact]
    public void TheTokenIsComparedWhole_AndTheSessionCookieIsNotTheToken()
    {
        var token = new ConsoleToken("s3cret-token");
        Assert.True(token.Matches("s3cret-token"));
        Assert.False(token.Matches("s3cret-toke"));
        Assert.False(token.Matches("s3cret-token "));
        Assert.False(token.Matches(null));
        Assert.DoesNotContain("s3cret-token", token.SessionValue);
        Assert.True(token.IsSession(token.SessionValue));
        Assert.False(token.IsSession("s3cret-token"));
        Assert.NotEqual(token.SessionValue, new ConsoleToken("other").SessionValue);
    }
}
