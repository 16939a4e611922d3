using Microsoft.Data.Sqlite;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>Issue 9 item 8: a run whose process is gone is shown as interrupted, with what it did; and state files
/// written before these records existed still read.</summary>
public sealed class InterruptedRunTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");

    public void Dispose() => SqliteConnection.ClearAllPools();

    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static SourceItem Item(string email, int number) => new(email, number, new Dictionary<string, string> { ["Email"] = email }, number.ToString());

    [Fact]
    public void RunOfAProcessThatIsGone_ShowsAsInterrupted_WithTheRowsItStartedAndTheirSteps()
    {
        using var store = new SqliteStateStore(_path);
        // No process has this pid: the holder is gone, as after kill -9.
        var runId = store.BeginRun("contacts", Start, $"pid {int.MaxValue - 7} on {Environment.MachineName} (started 638000000000000000), abc123");
        store.StartItems(runId, "contacts", "memory", [Item("a@x.io", 2), Item("b@x.io", 3)]);
        store.RecordStep(runId, "contacts", "memory", "a@x.io", new RecordedStep("update", 1, "", new Dictionary<string, string>(), runId, Start));

        var run = Assert.Single(store.ListRuns("contacts", 10));

        Assert.Equal(RunStatus.Interrupted, run.Status);
        Assert.Equal(2, run.Rows);
        Assert.Equal(2, run.Unfinished);
        Assert.Contains($"pid {int.MaxValue - 7} on {Environment.MachineName}", run.Error, StringComparison.Ordinal);
        var rows = store.ListRows(runId);
        Assert.Equal([2, 3], rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(RowStatus.Started, r.Status));
        Assert.Equal("update", Assert.Single(rows[0].Steps).StepId);
    }

    [Fact]
    public void RunOfThisProcess_StaysRunning()
    {
        using var store = new SqliteStateStore(_path);
        store.BeginRun("contacts", Start, LeaseHolder.ForThisProcess());

        Assert.Equal(RunStatus.Running, Assert.Single(store.ListRuns("contacts", 10)).Status);
    }

    [Fact]
    public async Task NextRunOfTheFlow_MarksARunLeftRunning_AsInterrupted()
    {
        var registry = new TestRegistry();
        var flow = registry.LoadValid(TestFlows.UpdateCreateAlert);
        using var store = new SqliteStateStore(_path);
        var old = store.BeginRun("contacts", Start); // recorded before runs kept their process: only the next run can tell

        await new FlowRunner(store).RunAsync(flow, CancellationToken.None, waitForLease: false);

        var marked = store.GetRun(old)!;
        Assert.Equal(RunStatus.Interrupted, marked.Status);
        Assert.StartsWith("interrupted", marked.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void StateFileWrittenBeforeTheseRecords_StillReads_AndJudgesOldRowsFromTheirSteps()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        using (var db = new SqliteConnection($"Data Source={_path};Pooling=false"))
        {
            db.Open();
            using var command = db.CreateCommand();
            // The schema and rows an earlier version wrote: the canonical flow's new contact (update failed, create ok).
            command.CommandText = OldStateSchema.Tables + """
                INSERT INTO runs VALUES ('r1', 'contacts', '2026-11-01T09:00:00.0000000+00:00', '2026-11-01T09:00:01.0000000+00:00', 'Completed', '');
                INSERT INTO items VALUES ('contacts', 'memory', 'new', 'Done', 'r1', '2026-11-01T09:00:01Z');
                INSERT INTO run_items VALUES ('r1', 2, 'new', 'Done', 1, '', '{"Email":"new@x.io"}', 'memory', 'contacts');
                INSERT INTO steps VALUES ('contacts', 'memory', 'new', 'update', 0, 'no contact', '{}', 'r1', '2026-11-01T09:00:00.1Z');
                INSERT INTO steps VALUES ('contacts', 'memory', 'new', 'ifUpdateFailed', 1, '', '{"explanation":"update.Failed = true"}', 'r1', '2026-11-01T09:00:00.2Z');
                INSERT INTO steps VALUES ('contacts', 'memory', 'new', 'create', 1, '', '{}', 'r1', '2026-11-01T09:00:00.3Z');
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteStateStore(_path);

        Assert.False(store.IsNew);
        var run = Assert.Single(store.ListRuns("contacts", 10));
        Assert.Equal((RunStatus.Completed, 1, 1), (run.Status, run.Rows, run.Failed));
        Assert.Equal(0, run.NeedsPerson); // old rows are judged once, when the file is first opened
        var row = Assert.Single(store.ListRows("r1"));
        Assert.False(row.Attention.NeedsPerson, row.Attention.Reason); // rows are judged from their recorded steps
        Assert.Empty(store.ListOpenRows("contacts"));
    }
}
