using RulesEngine.Connectors.Email.Emulator;
using RulesEngine.Connectors.Email.Tests.Support;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email.Tests;

public sealed class SendEmailTests
{
    private const string AlertStep = """
        [{ "id": "mail", "type": "email.send", "connection": "email",
           "to": "ops@example.com, \"Doe, Jane\" <jane@example.com>; {Email}",
           "cc": "lead@example.com",
           "subject": "Could not create {Email}",
           "body": "Row {Row.Number}: {Name}\nError: {Error}\nRun: {Run.Link}" }]
        """;

    private static readonly ItemScope Row =
        EmailTestBed.Item(("Email", "ann@example.com"), ("Name", "Ann"), ("Error", "HelpCrunch 400 invalid_locale_value"));

    [Fact]
    public async Task Send_DeliversRenderedMessage_AndReturnsMessageId()
    {
        await using var bed = new EmailTestBed();
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var mail = Assert.Single(bed.Smtp.Messages);
        Assert.Equal("Could not create ann@example.com", mail.Subject);
        Assert.Equal("Row 2: Ann\nError: HelpCrunch 400 invalid_locale_value\nRun: http://localhost/runs/run-1", mail.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd());
        Assert.Equal(["ops@example.com", "jane@example.com", "ann@example.com"], mail.To);
        Assert.Equal(["lead@example.com"], mail.Cc);
        Assert.Equal(["ops@example.com", "jane@example.com", "ann@example.com", "lead@example.com"], mail.Recipients);
        Assert.Equal("alerts@example.com", mail.MailFrom);
        Assert.Equal(EmailTestBed.Username, mail.SignedInAs);
        Assert.Equal(mail.MessageId, outcome.Output["messageId"]);
        Assert.EndsWith("@example.com", outcome.Output["messageId"], StringComparison.Ordinal);
        Assert.Equal("ops@example.com,jane@example.com,ann@example.com,lead@example.com", outcome.Output["recipients"]);
        Assert.DoesNotContain(bed.Smtp.Commands, c => c.Contains(EmailTestBed.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_CarriesHtmlAlternative_AndBcc_WhenSet()
    {
        await using var bed = new EmailTestBed();
        var step = bed.Step("""
            [{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "bcc": "audit@example.com",
               "from": "Sheets bot <bot@example.com>", "subject": "Line one\nline two", "body": "plain {Name}", "html": "<p>html {Name}</p>" }]
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var mail = Assert.Single(bed.Smtp.Messages);
        Assert.Equal("<p>html Ann</p>", mail.HtmlBody);
        Assert.Equal("plain Ann", mail.TextBody?.TrimEnd());
        Assert.Equal("Line one line two", mail.Subject);
        Assert.Equal("bot@example.com", mail.MailFrom);
        Assert.Contains("audit@example.com", mail.Recipients);
        Assert.DoesNotContain("audit@example.com", mail.Data, StringComparison.Ordinal); // Bcc never shows in the message
    }

    [Theory]
    [InlineData(SmtpStage.RcptTo, 550)]
    [InlineData(SmtpStage.MailFrom, 553)]
    [InlineData(SmtpStage.Data, 554)]
    public async Task Send_Fails_WithoutRetry_WhenServerRejectsPermanently(SmtpStage stage, int code)
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.Reply(stage, code));
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.StartsWith($"SMTP {code}", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(bed.Smtp.Messages);
        Assert.Equal(1, bed.Smtp.Sessions);
    }

    [Fact]
    public async Task Send_Fails_NamingTheAddress_WhenRecipientUnknown()
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.RejectRecipient("ann@example.com");
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("SMTP 550 (recipient ann@example.com not accepted)", outcome.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SmtpStage.Greeting, 421)]
    [InlineData(SmtpStage.RcptTo, 451)]
    [InlineData(SmtpStage.Data, 451)]
    public async Task Send_RetriesAndSucceeds_AfterTransientReply(SmtpStage stage, int code)
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.Reply(stage, code));
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Single(bed.Smtp.Messages);
        Assert.Equal(2, bed.Smtp.Sessions);
    }

    [Fact]
    public async Task Send_RetriesInANewSession_WhenSignInIsRefusedForNow()
    {
        await using var bed = new EmailTestBed();
        // MailKit tries each offered mechanism (PLAIN, then LOGIN) before giving up on the session.
        bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.Auth, 454));
        bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.Auth, 454));
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal(2, bed.Smtp.Sessions);
    }

    [Fact]
    public async Task Send_RetriesAndSucceeds_AfterConnectionDroppedDuringData()
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.DropConnection(SmtpStage.Data));
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Single(bed.Smtp.Messages);
    }

    [Fact]
    public async Task Send_IsHeld_WhenServerKeepsAnsweringLater()
    {
        await using var bed = new EmailTestBed();
        for (var i = 0; i < 3; i++) bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.RcptTo, 451));
        var step = bed.Step(AlertStep);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("SMTP 451", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 attempts", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(3, bed.Smtp.Sessions);
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Send_IsHeld_WhenServerDoesNotAnswerInTime()
    {
        await using var bed = new EmailTestBed();
        // No greeting until the emulator stops: only the client's timeout can end the attempt, however loaded the machine.
        bed.Smtp.FailNext(SmtpFault.Slow(SmtpStage.Greeting, TimeSpan.FromMinutes(10)));
        var step = bed.Step(AlertStep, connection: bed.Connection(maxAttempts: 1, timeoutSeconds: 0.5));

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("did not answer within 0.5 s", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_IsHeld_WhenNothingListens()
    {
        await using var bed = new EmailTestBed();
        var connection = bed.Connection(maxAttempts: 2);
        connection["port"] = FreePort();
        var step = bed.Step(AlertStep, connection: connection);

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("could not be reached", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 2 attempts", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Fails_WithAppPasswordHint_AndNoPassword_WhenSignInRefused()
    {
        await using var bed = new EmailTestBed();
        var step = bed.Step(AlertStep, connection: bed.Connection(password: "the-wrong-password"));

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("sign-in as 'alerts@example.com' refused", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("app password", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("the-wrong-password", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("the-wrong-password", outcome.Cause!.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, bed.Smtp.Sessions);
    }

    [Theory]
    [InlineData("not-an-address", "\"to\": 'not-an-address' is not an e-mail address")]
    [InlineData("ops@", "\"to\": 'ops@' is not an e-mail address")]
    [InlineData(" ", "\"to\" is empty for this item")]
    public async Task Send_FailsBeforeConnecting_WhenRecipientInvalid(string email, string expected)
    {
        await using var bed = new EmailTestBed();
        var step = bed.Step("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "{Email}", "subject": "s", "body": "b" }]""");

        var outcome = Assert.Single(await step.ExecuteAsync([EmailTestBed.Item(("Email", email))], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0, bed.Smtp.Sessions);
    }

    [Fact]
    public async Task Preview_ShowsTheMessage_AndSendsNothing()
    {
        await using var bed = new EmailTestBed();
        var step = bed.Step(AlertStep);

        var preview = Assert.Single(await step.PreviewAsync([Row], default));

        Assert.Equal(OutcomeStatus.Succeeded, preview.Predicted.Status);
        var request = Assert.Single(preview.Requests);
        Assert.Equal("SMTP", request.Method);
        Assert.Contains("Subject: Could not create ann@example.com", request.Body, StringComparison.Ordinal);
        Assert.Equal(0, bed.Smtp.Sessions);
    }

    [Theory]
    [InlineData("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@@example", "subject": "s", "body": "b" }]""", "EM0201")]
    [InlineData("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "from": "nobody", "subject": "s", "body": "b" }]""", "EM0201")]
    [InlineData("""[{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "body": "b" }]""", "RE0203")]
    [InlineData("""[{ "id": "mail", "type": "email.send", "to": "ops@example.com", "subject": "s", "body": "b" }]""", "RE0205")]
    public async Task Load_ReportsProblem_WhenStepSettingsAreWrong(string steps, string code)
    {
        await using var bed = new EmailTestBed();

        var set = bed.Load(steps);

        Assert.Contains(set.Diagnostics, d => d.Code == code);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
