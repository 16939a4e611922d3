using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.ExpressionTests;

/// <summary>
/// The survivable layer in process (the real-process version kills the program: HostileExpressionProcessTests): a
/// note left by a process that died evaluating a row makes the next run record that row as failed without evaluating
/// it, and the rest of the run goes on.
/// </summary>
public sealed class QuarantineTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");
    private readonly SqliteStateStore _store;

    public QuarantineTests() => _store = new SqliteStateStore(_statePath);

    public void Dispose() => _store.Dispose();

    private const string FilteredFlow = """
        {
          "name": "contacts",
          "source": { "type": "memory.rows", "filter": "Email.Contains(\"@\")" },
          "steps": [ { "id": "update", "type": "test.call", "text": "{Email}" } ]
        }
        """;

    [Fact]
    public async Task NoteOfADeadProcess_QuarantinesItsRow_TheOthersRun()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid(FilteredFlow);
        foreach (var email in new[] { "a@x.io", "b@x.io", "c@x.io" }) registry.Source.Add(("Email", email));
        var runner = new FlowRunner(_store);
        LeaveNoteOfADeadProcess(runner, flow, registry, rowIndex: 1);

        var report = await runner.RunAsync(flow, CancellationToken.None);

        var byRow = report.Items.ToDictionary(i => i.Item.Number);
        Assert.Equal(RowStatus.Error, byRow[3].Status);
        Assert.Contains("quarantined", byRow[3].Error, StringComparison.Ordinal);
        Assert.Contains("step 'source filter' at ", byRow[3].Error, StringComparison.Ordinal);
        Assert.Contains($"flow.json({flow.Filter!.Location.Line},{flow.Filter.Location.Column}) for row 3", byRow[3].Error, StringComparison.Ordinal);
        Assert.Equal(RowStatus.Done, byRow[2].Status);
        Assert.Equal(RowStatus.Done, byRow[4].Status);
        Assert.DoesNotContain(registry.Receivers["update"].Calls, c => c.Row.Number == 3);

        // Recorded, so it leaves the quarantine; evaluations that ended leave no note behind.
        registry.Source.Add(("Email", "d@x.io"));
        var next = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        Assert.Equal(RowStatus.Done, Assert.Single(next.Items).Status);
    }

    [Fact]
    public async Task FinishedEvaluations_QuarantineNothing()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid(FilteredFlow);
        registry.Source.Add(("Email", "a@x.io"));
        await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        registry.Source.Add(("Email", "b@x.io"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RowStatus.Done, Assert.Single(report.Items).Status);
    }

    /// <summary>What a process that died inside the filter's evaluation of a row leaves: a note that is never closed.</summary>
    private static void LeaveNoteOfADeadProcess(FlowRunner runner, Flow flow, TestRegistry registry, int rowIndex)
    {
        var item = registry.Source.ReadNewAsync(null, CancellationToken.None).Result.Items[rowIndex];
        var scope = item.ToScope(new RunInfo(flow.Name, "dead-run", DateTimeOffset.UnixEpoch, ""));
        scope.ItemKey = item.Key;
        scope.CurrentStep = "source filter";
        using var quarantine = EvaluationQuarantine.Open(runner.QuarantineDirectory, flow.Name)!;
        quarantine.Enter(scope, flow.Filter!.Location, "condition");
        // no Exit: the process is gone
    }
}
