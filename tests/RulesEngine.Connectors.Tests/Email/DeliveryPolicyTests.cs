using RulesEngine.Connectors.Email.Emulator;
using RulesEngine.Connectors.Email.Tests.Support;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email.Tests;

/// <summary>
/// email.send's "delivery" policy and what the client knows about an attempt: a reply (even 4xx) or a failure before
/// the data went out sent nothing; a connection lost after the data may have delivered the message. Malformed server
/// replies (the hostile-answers corpus for SMTP) hold the item, never count as sent.
/// </summary>
public sealed class DeliveryPolicyTests
{
    private static string Steps(string delivery) => $$"""
        [{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com",
           "subject": "Could not create {Email}", "body": "Row {Row.Number}: {Error}", "delivery": "{{delivery}}" }]
        """;

    private static readonly ItemScope Row = EmailTestBed.Item(("Email", "ann@example.com"), ("Error", "HelpCrunch 400"));

    public static TheoryData<string, SmtpStage, bool> MalformedReplies()
    {
        var data = new TheoryData<string, SmtpStage, bool>();
        foreach (var name in SmtpFault.MalformedReplies.Keys)
        {
            data.Add(name, SmtpStage.MailFrom, false);
            data.Add(name, SmtpStage.Data, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public async Task Send_IsHeld_WhenTheServerAnswersSomethingThatIsNoReply(string name, SmtpStage stage, bool mayHaveBeenSent)
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.Garbage(stage, SmtpFault.MalformedReplies[name]));
        var step = bed.Step(Steps("atMostOnce"), connection: bed.Connection(maxAttempts: 1));

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Empty(bed.Smtp.Messages);
        Assert.Equal(!mayHaveBeenSent, outcome.NoEffect);
    }

    [Fact]
    public async Task AtMostOnce_DoesNotRetry_AfterTheConnectionDroppedAfterTheData_AndResumeRecordsDeliveryUnknown()
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.DropConnection(SmtpStage.Data));
        var step = (IResumableReceiver)bed.Step(Steps("atMostOnce"));

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));
        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect);
        Assert.Equal(1, bed.Smtp.Sessions);

        var resumed = Assert.Single(await step.ResumeAsync([Row], [new InterruptedCall("run-1", DateTimeOffset.UnixEpoch, "no answer")], default));
        Assert.Equal(OutcomeStatus.Failed, resumed!.Status);
        Assert.Equal("1", resumed.Output[SendEmailStep.OutputDeliveryUnknown]);
        Assert.Equal(1, bed.Smtp.Sessions);
    }

    [Fact]
    public async Task AtLeastOnce_SendsAgainOnResume_MarkingItResent()
    {
        await using var bed = new EmailTestBed();
        var step = (IResumableReceiver)bed.Step(Steps("atLeastOnce"));

        var resumed = Assert.Single(await step.ResumeAsync([Row], [new InterruptedCall("run-1", DateTimeOffset.UnixEpoch, "no answer")], default));

        Assert.Equal(OutcomeStatus.Succeeded, resumed!.Status);
        Assert.Equal("1", resumed.Output[SendEmailStep.OutputResent]);
        Assert.Single(bed.Smtp.Messages);
    }

    [Fact]
    public async Task HeldAfterRefusals_SaysNothingWasSent()
    {
        await using var bed = new EmailTestBed();
        for (var i = 0; i < 3; i++) bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.RcptTo, 451));
        var step = bed.Step(Steps("atLeastOnce"));

        var outcome = Assert.Single(await step.ExecuteAsync([Row], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.True(outcome.NoEffect);
    }
}

/// <summary>9/13 for e-mail: on a stop no new attempt starts; the retry wait ends at once.</summary>
public sealed class StopTests
{
    [Fact]
    public async Task Stop_DuringTheRetryWait_StartsNoNewSession_AndHoldsSayingNothingWasSent()
    {
        await using var bed = new EmailTestBed();
        bed.Smtp.FailNext(SmtpFault.Reply(SmtpStage.RcptTo, 451));
        var connection = bed.Connection(maxAttempts: 5);
        connection["retryDelaySeconds"] = 300; // without the stop, the wait outlasts the test's patience
        var step = bed.Step("""
            [{ "id": "mail", "type": "email.send", "connection": "email", "to": "ops@example.com", "subject": "s", "body": "b" }]
            """, connection: connection);
        using var stopping = new CancellationTokenSource();

        Task<IReadOnlyList<StepOutcome>> send;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            send = step.ExecuteAsync([EmailTestBed.Item()], default);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (bed.Smtp.Sessions < 1) await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
        await stopping.CancelAsync();
        var outcome = Assert.Single(await send.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.True(outcome.NoEffect);
        Assert.Contains("not retried: the run is stopping", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(1, bed.Smtp.Sessions);
        Assert.Empty(bed.Smtp.Messages);
    }
}
