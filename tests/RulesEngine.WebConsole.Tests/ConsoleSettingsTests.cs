namespace RulesEngine.WebConsole.Tests;

public sealed class ConsoleSettingsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://127.0.0.2:9000")]
    public void ALoopbackAddress_NeedsNoToken(string listen) =>
        Assert.Null(ConsoleSettings.Parse(listen, null, null)!.RefusalFor());

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://192.168.1.20:8080")]
    [InlineData("http://rules.example.com:8080")]
    public void AnAddressOtherMachinesReach_IsRefusedWithoutAToken_NamingTheVariable(string listen)
    {
        var refusal = ConsoleSettings.Parse(listen, null, null)!.RefusalFor();
        Assert.NotNull(refusal);
        Assert.Contains(ConsoleSettings.TokenVariable, refusal);
        Assert.Null(ConsoleSettings.Parse(listen, null, "a-long-token")!.RefusalFor());
    }

    [Fact]
    public void None_TurnsTheConsoleOff_AndTheDefaultIsLoopback8080()
    {
        Assert.Null(ConsoleSettings.Parse("none", null, null));
        var defaults = ConsoleSettings.Parse(null, null, null)!;
        Assert.Equal(new Uri("http://127.0.0.1:8080"), defaults.Listen);
        Assert.True(defaults.IsLoopbackOnly);
    }

    [Theory]
    [InlineData("8080", null, "--listen 8080: not an http(s) URL")]
    [InlineData("https://127.0.0.1:8443", null, "put TLS on the proxy")]
    [InlineData("http://127.0.0.1:8080/console", null, "a path prefix belongs in --public-url")]
    [InlineData("http://127.0.0.1:8080", "rules.example.com", "--public-url rules.example.com: not an http(s) URL")]
    [InlineData("http://127.0.0.1:8080", "https://rules.example.com/?x=1", "no user, query or fragment")]
    [InlineData("none", "https://rules.example.com", "--public-url needs the console")]
    public void AMalformedUrl_IsAUsageErrorThatSaysTheFix(string listen, string? publicUrl, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => ConsoleSettings.Parse(listen, publicUrl, null)).Message);
}
