using RulesEngine.Connectors.Email.Emulator;
using RulesEngine.Connectors.Email.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Telemetry;
using RulesEngine.Tests.Telemetry;

namespace RulesEngine.Connectors.Email.Tests;

/// <summary>Every SMTP session is counted in <c>rulesengine.api.requests</c> like an HTTP attempt: service "email",
/// status the server's reply code, "error" without one; no label carries the address, the user or the password.</summary>
[Collection(ApiRequestCountsCollection.Name)]
public sealed class SmtpMeteringTests
{
    private const string AlertStep = """
        [{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com",
           "subject": "Could not create {Email}", "body": "Row {Row.Number}" }]
        """;

    private static readonly ItemScope Row = EmailTestBed.Item(("Email", "ann@example.com"));

    [Fact]
    public async Task EachSession_IsCounted_ByItsReply()
    {
        await using var bed = new EmailTestBed();
        // A fault strikes the first session that reaches its stage: the first session is dropped at MAIL FROM, the
        // second refused at RCPT TO, the third delivers.
        bed.Smtp.FailNext(SmtpFault.DropConnection(SmtpStage.MailFrom));
        bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.RcptTo, 451));
        using var counts = new ApiRequestCounts();

        var outcome = Assert.Single(await bed.Step(AlertStep).ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(3, bed.Smtp.Sessions);
        Assert.Equal([("email", ApiRequestMetering.NoAnswer), ("email", "451"), ("email", "250")], counts.Seen);
    }

    [Fact]
    public async Task ARefusedSignIn_IsCountedByItsCode_AndNoLabelCarriesTheCredentials()
    {
        await using var bed = new EmailTestBed();
        using var counts = new ApiRequestCounts();

        var outcome = Assert.Single(await bed.Step(AlertStep, connection: bed.Connection(password: "wrong-password-9z8y")).ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal([("email", "535")], counts.Seen);
        Assert.All(counts.LabelValues, value =>
        {
            Assert.DoesNotContain("wrong-password-9z8y", value, StringComparison.Ordinal);
            Assert.DoesNotContain(EmailTestBed.Username, value, StringComparison.Ordinal);
            Assert.DoesNotContain(bed.Smtp.Host, value, StringComparison.Ordinal);
        });
    }
}
