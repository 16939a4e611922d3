using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// Issue 9 item 5: a failure the flow handles is not a failure of the row. Runs the canonical shape (update; if it
/// failed, create; if that failed, alert) and flows built to leave failures unhandled, and checks what the run
/// report and the state's open rows say.
/// </summary>
public sealed class RowAttentionTests : IDisposable
{
    private readonly SqliteStateStore _store = new(Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db"));

    public void Dispose() => _store.Dispose();

    private static readonly Dictionary<string, string> DeliveryUnknown = new() { ["deliveryUnknown"] = "1" };

    private static TestRegistry Canonical(out Core.Flows.Flow flow, Func<string, string, StepOutcome?>? alert = null)
    {
        var registry = new TestRegistry();
        registry.Answers = id => scope => (id, scope.Row["Email"]) switch
        {
            ("update", "known@x.io") => StepOutcome.Success(),
            ("update", _) => StepOutcome.Failure("no contact with email = " + scope.Row["Email"]),
            ("create", "new@x.io") => StepOutcome.Success(),
            ("create", _) => StepOutcome.Failure("userId taken"),
            ("alert", var email) => alert?.Invoke(id, email) ?? StepOutcome.Success(),
            _ => StepOutcome.Success(),
        };
        flow = registry.LoadValid(TestFlows.UpdateCreateAlert);
        return registry;
    }

    [Fact]
    public async Task CanonicalFlow_NewContactAndDeliveredAlert_AreHandled_NoRowNeedsAPerson()
    {
        var registry = Canonical(out var flow);
        registry.Source.Add(("Email", "known@x.io"));
        registry.Source.Add(("Email", "new@x.io"));
        registry.Source.Add(("Email", "clash@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(0, report.NeedsPerson);
        Assert.Equal(2, report.HandledFailures);
        Assert.All(report.Items, i => Assert.False(i.Attention.NeedsPerson, i.Attention.Reason));
        Assert.Empty(_store.ListOpenRows("contacts"));
        var run = _store.GetRun(report.RunId)!;
        Assert.Equal(0, run.NeedsPerson);
        Assert.Equal(2, run.Failed); // the old count is kept for what it said: rows with a failed step
    }

    [Fact]
    public async Task AlertThatFailed_LeavesTheRowOpen_NamingTheAlertOnly()
    {
        var registry = Canonical(out var flow, (_, _) => StepOutcome.Failure("chat not found"));
        registry.Source.Add(("Email", "new@x.io"));
        registry.Source.Add(("Email", "clash@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(1, report.NeedsPerson);
        var open = Assert.Single(report.Items, i => i.Attention.NeedsPerson);
        Assert.Equal("clash@x.io", open.Item.Fields["Email"]);
        Assert.Equal("alert failed, not handled: chat not found", open.Attention.Reason);
        var listed = Assert.Single(_store.ListOpenRows("contacts"));
        Assert.Equal(open.Item.Key, listed.Key);
        Assert.Equal(open.Attention.Reason, listed.Attention.Reason);
        Assert.Equal(1, _store.GetRun(report.RunId)!.NeedsPerson);
    }

    [Fact]
    public async Task DeliveryUnknown_IsAlwaysOpen_EvenWhenTheRestWasHandled()
    {
        var registry = Canonical(out var flow, (_, _) => StepOutcome.Failure("delivery unknown: the call was cut off", output: DeliveryUnknown));
        registry.Source.Add(("Email", "clash@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        var item = Assert.Single(report.Items);
        Assert.Equal("alert: delivery unknown", item.Attention.Reason);
        Assert.Equal("alert: delivery unknown", Assert.Single(_store.ListOpenRows("contacts")).Attention.Reason);
    }

    [Fact]
    public async Task FailureNoIfReads_NeedsAPerson()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "plain", "source": { "type": "memory.rows" },
              "steps": [ { "id": "update", "type": "test.call" },
                         { "id": "ifOther", "type": "if", "condition": "Email.EndsWith(\"update\")", "then": [ { "id": "tag", "type": "test.call" } ] } ] }
            """);
        registry.Answers = id => _ => id == "update" ? StepOutcome.Failure("rejected") : StepOutcome.Success();
        registry.Source.Add(("Email", "a@update"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal("update failed, not handled: rejected", Assert.Single(report.Items).Attention.Reason);
    }

    [Fact]
    public async Task IfThatReadsTheFailure_ButTakesAnEmptyBranch_DoesNotHandleIt()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "ok-only", "source": { "type": "memory.rows" },
              "steps": [ { "id": "update", "type": "test.call" },
                         { "id": "ifUpdated", "type": "if", "condition": "update.Succeeded", "then": [ { "id": "tag", "type": "test.call" } ] } ] }
            """);
        registry.Answers = id => _ => id == "update" ? StepOutcome.Failure("rejected") : StepOutcome.Success();
        registry.Source.Add(("Email", "a@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.True(Assert.Single(report.Items).Attention.NeedsPerson);
    }

    [Fact]
    public async Task ElseBranchThatSucceeded_HandlesTheFailure()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "else-handles", "source": { "type": "memory.rows" },
              "steps": [ { "id": "update", "type": "test.call" },
                         { "id": "ifUpdated", "type": "if", "condition": "update.Succeeded",
                           "then": [ { "id": "tag", "type": "test.call" } ], "else": [ { "id": "create", "type": "test.call" } ] } ] }
            """);
        registry.Answers = id => _ => id == "update" ? StepOutcome.Failure("not found") : StepOutcome.Success();
        registry.Source.Add(("Email", "a@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.False(Assert.Single(report.Items).Attention.NeedsPerson);
    }

    [Fact]
    public async Task HeldRow_NeedsAPerson_WithItsReason()
    {
        var registry = Canonical(out var flow);
        registry.Answers = id => _ => id == "update" ? StepOutcome.Held("HelpCrunch unreachable") : StepOutcome.Success();
        registry.Source.Add(("Email", "a@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.StartsWith("held: update: HelpCrunch unreachable", Assert.Single(report.Items).Attention.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsRecordedBeforeTheJudgement_AreJudgedFromTheirRecordedSteps()
    {
        // What a state file holds for the canonical flow's new contact and delivered alert, and an undelivered one:
        // If blocks are told apart by their recorded explanation, which quotes the condition's parts.
        RecordedStep Step(string id, int result, string error = "", Dictionary<string, string>? output = null) =>
            new(id, result, error, output ?? [], "run", DateTimeOffset.UnixEpoch);
        RecordedStep If(string id, int result, string explanation) => Step(id, result, output: new() { [StepWalker.ExplanationKey] = explanation });
        var newContact = new[] { Step("update", 0, "no contact"), If("ifUpdateFailed", 1, "update.Failed = true"), Step("create", 1), If("ifCreateFailed", 0, "create.Failed = false") };
        var delivered = new[] { Step("update", 0, "no contact"), If("ifUpdateFailed", 1, "update.Failed = true"), Step("create", 0, "taken"),
            If("ifCreateFailed", 1, "create.Failed = true"), Step("alert", 1) };
        var failedAlert = delivered[..4].Append(Step("alert", 0, "chat not found")).ToArray();
        var mentionedInAString = new[] { Step("update", 0, "no contact"), If("ifNamed", 1, "Email == \"update.Failed\" = true"), Step("tag", 1) };

        Assert.False(RowAttention.For(RowStatus.Done, "", newContact).NeedsPerson);
        Assert.False(RowAttention.For(RowStatus.Done, "", delivered).NeedsPerson);
        Assert.Equal("alert failed, not handled: chat not found", RowAttention.For(RowStatus.Done, "", failedAlert).Reason);
        Assert.True(RowAttention.For(RowStatus.Done, "", mentionedInAString).NeedsPerson);
    }
}
