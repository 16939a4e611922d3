using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

public sealed class FlowRunnerTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");
    private readonly SqliteStateStore _store;

    public FlowRunnerTests() => _store = new SqliteStateStore(_statePath);

    public void Dispose() => _store.Dispose();

    private static TestRegistry Canonical(out Core.Flows.Flow flow)
    {
        var registry = new TestRegistry();
        // ok@ exists; new@ is created; bad@ fails both ways.
        registry.Answers = id => scope => (id, scope.Row["Email"]) switch
        {
            ("update", "ok@x.io") => StepOutcome.Success(new Dictionary<string, string> { ["contactId"] = "7" }),
            ("update", _) => StepOutcome.Failure("no contact with email = " + scope.Row["Email"]),
            ("create", "bad@x.io") => StepOutcome.Failure("HelpCrunch 400 invalid_locale_value"),
            _ => StepOutcome.Success(),
        };
        flow = registry.LoadValid(TestFlows.UpdateCreateAlert);
        return registry;
    }

    [Fact]
    public async Task Run_TakesEachOfTheThreePaths_ByWhatTheEarlierStepsAnswered()
    {
        var registry = Canonical(out var flow);
        registry.Source.Add(("Email", "ok@x.io"));
        registry.Source.Add(("Email", "new@x.io"));
        registry.Source.Add(("Email", "bad@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(["ok@x.io", "new@x.io", "bad@x.io"], registry.Receivers["update"].Calls.Select(c => c.Row["Email"]));
        Assert.Equal(["new@x.io", "bad@x.io"], registry.Receivers["create"].Calls.Select(c => c.Row["Email"]));
        var alert = Assert.Single(registry.Receivers["alert"].Calls);
        Assert.Equal("bad@x.io", alert.Row["Email"]);
        Assert.Equal("HelpCrunch 400 invalid_locale_value", alert.Step("create").Error);
        Assert.Contains(report.RunId, alert.Run.Link);
    }

    [Fact]
    public async Task Run_DoesNotTreatAStepThatDidNotRunAsFailed()
    {
        var registry = Canonical(out var flow);
        registry.Source.Add(("Email", "ok@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Empty(registry.Receivers["create"].Calls);
        Assert.Empty(registry.Receivers["alert"].Calls);
        var steps = Assert.Single(report.Items).Steps;
        Assert.Equal(0, steps.Single(s => s.StepId == "ifCreateFailed").Result);
        Assert.DoesNotContain(steps, s => s.StepId == "create");
    }

    [Fact]
    public async Task SecondRun_ProcessesOnlyRowsAddedSinceTheFirst()
    {
        var registry = Canonical(out var flow);
        registry.Source.Add(("Email", "ok@x.io"));
        registry.Source.Add(("Email", "new@x.io"));
        await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        registry.Source.Add(("Email", "later@x.io"));
        var second = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(["later@x.io"], second.Items.Select(i => i.Item.Fields["Email"]));
        Assert.Equal(4, registry.Receivers["update"].Calls.Count + registry.Receivers["create"].Calls.Count - 1);
        var third = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        Assert.Empty(third.Items);
    }

    [Fact]
    public async Task HeldRow_IsRetriedNextRun_WithoutRepeatingItsRecordedSteps()
    {
        var registry = Canonical(out var flow);
        var createReachable = false;
        registry.Answers = id => scope => id switch
        {
            "update" => StepOutcome.Failure("no contact"),
            "create" when !createReachable => StepOutcome.Held("HelpCrunch unreachable: connection refused"),
            _ => StepOutcome.Success(),
        };
        registry.Source.Add(("Email", "a@x.io"));
        registry.Source.Add(("Email", "b@x.io"));

        var first = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        Assert.All(first.Items, i => Assert.Equal(RowStatus.Held, i.Status));
        Assert.Empty(registry.Receivers["alert"].Calls); // held is not failed: nothing routed to the alert

        createReachable = true;
        var second = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(2, registry.Receivers["update"].Calls.Count); // once per row, in the first run only
        Assert.Equal(4, registry.Receivers["create"].Calls.Count);
        Assert.All(second.Items, i =>
        {
            Assert.Equal(RowStatus.Done, i.Status);
            Assert.True(i.Steps.Single(s => s.StepId == "update").Replayed);
        });
    }

    [Fact]
    public async Task Run_SendsItemsToReceiversInBatchesOfBatchSize()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "batched", "source": { "type": "memory.rows" }, "batchSize": 3,
              "steps": [ { "id": "call", "type": "test.call" } ] }
            """);
        for (var i = 0; i < 5; i++) registry.Source.Add(("Email", $"{i}@x.io"));

        await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal([3, 2], registry.Receivers["call"].BatchSizes);
    }

    [Fact]
    public async Task Filter_SkipsRowsAndRecordsThemAsSkipped()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "filtered", "source": { "type": "memory.rows", "filter": "Email.EndsWith(\"@acme.com\")" },
              "steps": [ { "id": "call", "type": "test.call" } ] }
            """);
        registry.Source.Add(("Email", "a@acme.com"));
        registry.Source.Add(("Email", "b@other.org"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(["a@acme.com"], registry.Receivers["call"].Calls.Select(c => c.Row["Email"]));
        Assert.Equal(RowStatus.Skipped, report.Items.Single(i => i.Item.Fields["Email"] == "b@other.org").Status);
        var rows = _store.ListRows(report.RunId);
        Assert.Contains(rows, r => r.Status == RowStatus.Skipped && r.Number == 3);
    }

    [Fact]
    public async Task FirstRun_WithSkipExistingRows_ProcessesOnlyRowsAddedAfterIt()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid("""
            { "name": "from-now-on", "source": { "type": "memory.rows", "existingRows": "skip" },
              "steps": [ { "id": "call", "type": "test.call" } ] }
            """);
        registry.Source.Add(("Email", "old@x.io"));

        var first = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        registry.Source.Add(("Email", "new@x.io"));
        var second = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Empty(first.Items);
        Assert.Equal(["new@x.io"], registry.Receivers["call"].Calls.Select(c => c.Row["Email"]));
        Assert.Single(second.Items);
    }

    [Fact]
    public async Task Tester_PreviewsWithoutRecordingOrMovingThePosition()
    {
        var registry = Canonical(out var flow);
        registry.Source.Add(("Email", "new@x.io"));

        var report = await new FlowTester().TestAsync(flow, (await registry.Source.ReadSampleAsync(null, default))!, send: false, default);

        Assert.Empty(registry.Receivers["update"].Calls);
        Assert.Equal("POST", report.Steps.First(s => s.StepId == "update").Requests!.Single().Method);
        Assert.Equal(1, report.Steps.Single(s => s.StepId == "ifUpdateFailed").Result);
        Assert.Null(_store.GetPosition("contacts", "memory"));
        var run = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        Assert.Single(run.Items);
    }
}
