using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.Email.Tests.Support;

namespace RulesEngine.Connectors.Email.Tests;

public sealed class EmailConnectionTests
{
    [Fact]
    public async Task Connection_ReadsGmailShape_WithDefaultsFromSecurity()
    {
        await using var bed = new EmailTestBed();
        Environment.SetEnvironmentVariable("EMAIL_TESTS_SMTP_PASSWORD", "gmail-app-password-0001");
        var set = bed.Load("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "subject": "s", "body": "b" }]""",
            JObject.Parse("""{"type":"email","host":"smtp.gmail.com","security":"startTls","username":"alerts@example.com","password":"${env:EMAIL_TESTS_SMTP_PASSWORD}","from":"alerts@example.com"}"""));

        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
    }

    [Theory]
    [InlineData("""{"type":"email"}""", "RE0301")]
    [InlineData("""{"type":"email","host":"smtp.example.com","security":"tls1.3"}""", "RE0313")]
    [InlineData("""{"type":"email","host":"https://smtp.example.com"}""", "RE0319")]
    [InlineData("""{"type":"email","host":"smtp.example.com","port":70000}""", "RE0312")]
    [InlineData("""{"type":"email","host":"smtp.example.com","username":"a@example.com"}""", "RE0318")]
    [InlineData("""{"type":"email","host":"smtp.example.com","from":"not an address"}""", "RE0319")]
    public async Task Connection_ReportsProblem_WhenSettingsAreWrong(string connection, string code)
    {
        await using var bed = new EmailTestBed();

        var set = bed.Load("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "subject": "s", "body": "b" }]""",
            JObject.Parse(connection));

        Assert.Contains(set.Diagnostics, d => d.Code == code);
    }

    [Theory]
    [InlineData("startTls", 587)]
    [InlineData("SslOnConnect", 465)]
    [InlineData("none", 25)]
    public void Options_UseTheUsualPort_ForEachSecurity(string security, int port)
    {
        var options = new EmailOptions { Host = "smtp.example.com", Security = EmailOptions.ParseSecurity(security)!.Value };

        Assert.Equal(port, options.EffectivePort);
    }

    [Theory]
    [InlineData("ops@example.com", 1)]
    [InlineData("ops@example.com, dev@example.com; qa@example.com", 3)]
    [InlineData("\"Doe, Jane\" <jane@example.com>, ops@example.com", 2)]
    [InlineData("", 0)]
    [InlineData(" , ;", 0)]
    public void Addresses_ParseLists(string text, int count)
    {
        Assert.True(EmailAddresses.TryParseList(text, out var list, out var error), error);
        Assert.Equal(count, list.Count);
    }

    [Theory]
    [InlineData("ops")]
    [InlineData("ops@")]
    [InlineData("@example.com")]
    [InlineData("ops@example.com, oops")]
    public void Addresses_RejectIncompleteAddresses(string text)
    {
        Assert.False(EmailAddresses.TryParseList(text, out _, out var error));
        Assert.Contains("is not an e-mail address", error, StringComparison.Ordinal);
    }
}
