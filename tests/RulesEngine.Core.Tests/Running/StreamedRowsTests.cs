using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// Issue 11, memory: a run hands each row's report to <see cref="FlowRunner.RowRecorded"/> as its batch is committed
/// and, with <see cref="FlowRunner.KeepRows"/> off, keeps only the counts: memory does not grow with the rows.
/// </summary>
public sealed class StreamedRowsTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");
    private readonly SqliteStateStore _store;

    public StreamedRowsTests() => _store = new SqliteStateStore(_statePath);

    public void Dispose() => _store.Dispose();

    /// <summary>ok@ is updated; new@ is created (a failure the flow handles); held@ gets no answer (held); bad@ fails
    /// both ways and its alert fails too (needs a person).</summary>
    private static Core.Flows.Flow Flow(TestRegistry registry)
    {
        registry.Answers = id => scope => (id, scope.Row["Email"]) switch
        {
            ("update", "ok@x.io") => StepOutcome.Success(new Dictionary<string, string> { ["contactId"] = "7" }),
            ("update", "held@x.io") => StepOutcome.Held("HelpCrunch did not answer"),
            ("update", _) => StepOutcome.Failure("no contact with email = " + scope.Row["Email"]),
            ("create", "bad@x.io") => StepOutcome.Failure("HelpCrunch 400 invalid_locale_value"),
            ("alert", "bad@x.io") => StepOutcome.Failure("chat not found"),
            _ => StepOutcome.Success(),
        };
        foreach (var email in new[] { "ok@x.io", "new@x.io", "held@x.io", "bad@x.io" })
            registry.Source.Add(("Email", email));
        return registry.LoadValid(TestFlows.UpdateCreateAlert);
    }

    [Fact]
    public async Task RowsReachRowRecorded_InSourceOrder_OnceCommitted_AndTheReportKeepsOnlyTheCounts()
    {
        var registry = new TestRegistry();
        var flow = Flow(registry);
        var streamed = new List<ItemReport>();
        var committedWhenTold = new List<bool>();

        var report = await new FlowRunner(_store)
        {
            KeepRows = false,
            RowRecorded = row =>
            {
                streamed.Add(row);
                committedWhenTold.Add(_store.IsItemRecorded(flow.Name, flow.Source.PositionKey, row.Item.Key) || row.Status == RowStatus.Held);
            },
        }.RunAsync(flow, CancellationToken.None);

        Assert.Empty(report.Items);
        Assert.Equal(["ok@x.io", "new@x.io", "held@x.io", "bad@x.io"], streamed.Select(r => r.Item.Fields["Email"]));
        Assert.All(committedWhenTold, Assert.True);
        Assert.Equal(4, report.Rows);
        Assert.Equal(1, report.Held);
        Assert.Equal(2, report.NeedsPerson);      // held@ and bad@
        Assert.Equal(1, report.HandledFailures);  // new@
        Assert.Equal(0, report.Skipped);
    }

    [Fact]
    public async Task CountsAreTheSame_WhetherTheRowsAreKeptOrStreamed()
    {
        var keptRegistry = new TestRegistry();
        var kept = await new FlowRunner(_store).RunAsync(Flow(keptRegistry), CancellationToken.None);
        using var otherStore = new SqliteStateStore(Path.Combine(Path.GetDirectoryName(_statePath)!, "other.db"));
        var streamedRegistry = new TestRegistry();
        var streamed = await new FlowRunner(otherStore) { KeepRows = false }.RunAsync(Flow(streamedRegistry), CancellationToken.None);

        Assert.Equal(4, kept.Items.Count);
        Assert.Empty(streamed.Items);
        Assert.Equal(
            (kept.Items.Count, kept.Items.Count(i => i.Attention.NeedsPerson), kept.Items.Count(i => !i.Attention.NeedsPerson && i.FailedSteps > 0),
                kept.Items.Count(i => i.Status == RowStatus.Held), kept.Items.Count(i => i.Status == RowStatus.Skipped)),
            (streamed.Rows, streamed.NeedsPerson, streamed.HandledFailures, streamed.Held, streamed.Skipped));
        Assert.Equal((kept.Rows, kept.NeedsPerson, kept.HandledFailures, kept.Held), (streamed.Rows, streamed.NeedsPerson, streamed.HandledFailures, streamed.Held));
    }

    [Fact]
    public async Task ARunLetsGoOfTheRowsItHasFinishedWith()
    {
        var registry = new TestRegistry { Answers = _ => _ => StepOutcome.Success() };
        for (var i = 0; i < 4; i++) registry.Source.Add(("Email", $"row{i}@x.io"));
        var flow = registry.LoadValid(TestFlows.UpdateCreateAlert.Replace("\"batchSize\": 10", "\"batchSize\": 1", StringComparison.Ordinal));
        var recorded = new List<WeakReference>();
        var aliveAtTheLastRow = -1;

        await new FlowRunner(_store)
        {
            KeepRows = false,
            RowRecorded = row =>
            {
                recorded.Add(new WeakReference(row.Item));
                if (recorded.Count < 4) return;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                aliveAtTheLastRow = recorded.Take(2).Count(r => r.IsAlive);
            },
        }.RunAsync(flow, CancellationToken.None);

        // The first two rows' batches are long done when the fourth row is recorded: nothing of the run holds them.
        Assert.Equal(0, aliveAtTheLastRow);
    }
}
