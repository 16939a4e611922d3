using RulesEngine.Core.Connections;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.State.Tests.Contract;

/// <summary>
/// What every <see cref="IStateStore"/> promises, run against each implementation (a subclass per store). A test
/// writes through one store object and reads through a second one opened on the same state: what a call recorded
/// is there for the next process, not only in the writer's memory.
/// </summary>
public abstract partial class StateStoreContract : IAsyncLifetime
{
    protected const string Flow = "contacts";
    protected const string Source = "sheets:1abc:Contacts";
    protected static readonly DateTimeOffset T0 = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly List<IStateStore> _opened = [];

    /// <summary>Prepares an empty state (a new file, a new database).</summary>
    protected abstract Task CreateEmptyStateAsync();

    /// <summary>Opens a store on the state of this test; each call is a separate store object (a separate process's view).</summary>
    private protected abstract IStateStore OpenStore();

    /// <summary>Writes a schema version newer than the program knows, as a newer program would.</summary>
    protected abstract void WriteSchemaVersion(int version);

    /// <summary>The schema version the state records.</summary>
    protected abstract long ReadSchemaVersion();

    protected abstract int LatestSchemaVersion { get; }

    public Task InitializeAsync() => CreateEmptyStateAsync();

    public Task DisposeAsync()
    {
        foreach (var store in _opened) store.Dispose();
        return Task.CompletedTask;
    }

    private protected IStateStore Open()
    {
        var store = OpenStore();
        _opened.Add(store);
        return store;
    }

    protected static SourceItem Item(int number, string? key = null) =>
        new(key ?? $"row-{number}", number, new Dictionary<string, string> { ["Email"] = $"user{number}@example.com", ["Name"] = $"User {number}" }, $"pos-{number}");

    private protected static RecordedStep Step(string id, int result, string runId, DateTimeOffset at, string error = "", Dictionary<string, string>? output = null) =>
        new(id, result, error, output ?? new Dictionary<string, string> { ["id"] = "42" }, runId, at);

    [Fact]
    public void ANewStateIsNewOnceAndRecordsTheLatestSchemaVersion()
    {
        Assert.True(Open().IsNew);
        Assert.False(Open().IsNew);
        Assert.Equal(LatestSchemaVersion, ReadSchemaVersion());
    }

    [Fact]
    public void AStateWrittenByANewerProgramIsRefusedNamingTheStateTheVersionsAndTheFix()
    {
        Open().Dispose();
        WriteSchemaVersion(LatestSchemaVersion + 7);

        var refused = Assert.Throws<StateSchemaException>(Open);

        var location = OpenLocationWithoutMigrating();
        Assert.Contains(location, refused.Message);
        Assert.Contains($"schema version {LatestSchemaVersion + 7}", refused.Message);
        Assert.Contains($"up to {LatestSchemaVersion}", refused.Message);
        Assert.Contains("newer rulesengine", refused.Message);
    }

    /// <summary>The location as the store prints it, without opening a store.</summary>
    protected abstract string OpenLocationWithoutMigrating();

    [Fact]
    public void ARunIsListedFromBeginToFinishWithItsHolder()
    {
        var writer = Open();
        var runId = writer.BeginRun(Flow, T0, "pid 1 on elsewhere (started 1), abcdef");

        var running = Assert.Single(Open().ListRuns(Flow, 10));
        Assert.Equal(runId, running.Id);
        Assert.Equal(RunStatus.Running, running.Status);
        Assert.Equal(T0, running.StartedAt);
        Assert.Null(running.FinishedAt);
        Assert.Equal("pid 1 on elsewhere (started 1), abcdef", running.Holder);

        writer.FinishRun(runId, RunStatus.Failed, "the source could not be read", T0.AddMinutes(1));

        var finished = Open().GetRun(runId)!;
        Assert.Equal(RunStatus.Failed, finished.Status);
        Assert.Equal("the source could not be read", finished.Error);
        Assert.Equal(T0.AddMinutes(1), finished.FinishedAt);
        Assert.Null(Open().GetRun("no-such-run"));
    }

    [Fact]
    public void RunsAreListedNewestFirstPerFlowOrAllWithinTheLimit()
    {
        var store = Open();
        var first = store.BeginRun(Flow, T0);
        var second = store.BeginRun(Flow, T0.AddSeconds(1));
        var other = store.BeginRun("other", T0.AddSeconds(2));

        var reader = Open();
        Assert.Equal([second, first], reader.ListRuns(Flow, 10).Select(r => r.Id));
        Assert.Equal([other, second], reader.ListRuns(null, 2).Select(r => r.Id));
    }

    [Fact]
    public void MarkInterruptedMarksOnlyTheFlowsRunningRuns()
    {
        var store = Open();
        var running = store.BeginRun(Flow, T0);
        var finished = store.BeginRun(Flow, T0.AddSeconds(1));
        store.FinishRun(finished, RunStatus.Completed, "", T0.AddSeconds(2));
        var otherFlow = store.BeginRun("other", T0);

        Assert.Equal(1, store.MarkInterrupted(Flow, T0.AddMinutes(5)));

        var reader = Open();
        var interrupted = reader.GetRun(running)!;
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Equal(T0.AddMinutes(5), interrupted.FinishedAt);
        Assert.Contains("interrupted", interrupted.Error);
        Assert.Equal(RunStatus.Completed, reader.GetRun(finished)!.Status);
        Assert.Equal(RunStatus.Running, reader.GetRun(otherFlow)!.Status);
        Assert.Equal(0, store.MarkInterrupted(Flow, T0.AddMinutes(6)));
    }

    [Fact]
    public void StartedItemsHaveHistoryLinesInRowOrderOnce()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.StartItems(runId, Flow, Source, [Item(3), Item(2)]);
        store.StartItems(runId, Flow, Source, [Item(2)]); // a repeat adds nothing
        store.StartItems(runId, Flow, Source, []);

        var rows = Open().ListRows(runId);
        Assert.Equal([2, 3], rows.Select(r => r.Number));
        Assert.All(rows, r => Assert.Equal(RowStatus.Started, r.Status));
        Assert.Equal("user2@example.com", rows[0].Fields["Email"]);
        Assert.Equal(Source, rows[0].SourceKey);
        var run = Open().GetRun(runId)!;
        Assert.Equal(2, run.Rows);
        Assert.Equal(2, run.Unfinished);
    }

    [Fact]
    public void CompletingAnItemRecordsItsOutcomeAndMovesThePositionInTheSameCall()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.StartItems(runId, Flow, Source, [Item(2), Item(3)]);

        store.CompleteItem(runId, Flow, Source, Item(2), RowStatus.Done, 0, "", RowAttention.None, "pos-2");

        var reader = Open();
        Assert.Equal("pos-2", reader.GetPosition(Flow, Source));
        Assert.True(reader.IsItemRecorded(Flow, Source, "row-2"));
        Assert.False(reader.IsItemRecorded(Flow, Source, "row-3"));
        var line = reader.ListRows(runId).Single(r => r.Key == "row-2");
        Assert.Equal(RowStatus.Done, line.Status);
        Assert.Equal(RowStatus.Done, line.LatestStatus);
        Assert.Equal(runId, line.LatestRunId);

        // null: the position stays where it is (an item recorded out of order must not move it back).
        store.CompleteItem(runId, Flow, Source, Item(3), RowStatus.Held, 0, "HelpCrunch did not answer", RowAttention.None, null);
        Assert.Equal("pos-2", Open().GetPosition(Flow, Source));
    }

    [Theory]
    [InlineData(RowStatus.Done, true)]
    [InlineData(RowStatus.Skipped, true)]
    [InlineData(RowStatus.Error, true)]
    [InlineData(RowStatus.Held, false)]
    public void OnlyDoneSkippedAndErrorItemsCountAsRecorded(object statusValue, bool recorded)
    {
        var status = (RowStatus)statusValue; // RowStatus is internal to Core; a public test method cannot take it
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.CompleteItem(runId, Flow, Source, Item(2), status, 0, "", RowAttention.None, null);

        var reader = Open();
        Assert.Equal(recorded, reader.IsItemRecorded(Flow, Source, "row-2"));
        Assert.Equal(!recorded, reader.FindUnrecordedItems(Flow, Source, ["row-2"]).Contains("row-2"));
        Assert.False(reader.IsItemRecorded(Flow, "another-source", "row-2"));
    }

    [Fact]
    public void ALaterRunsOutcomeIsTheItemsLatestStatusOnEarlierLines()
    {
        var store = Open();
        var first = store.BeginRun(Flow, T0);
        store.CompleteItem(first, Flow, Source, Item(2), RowStatus.Held, 0, "no answer", RowAttention.None, null);
        var second = store.BeginRun(Flow, T0.AddMinutes(1));
        store.CompleteItem(second, Flow, Source, Item(2), RowStatus.Done, 0, "", RowAttention.None, "pos-2");

        var earlier = Assert.Single(Open().ListRows(first));
        Assert.Equal(RowStatus.Held, earlier.Status);
        Assert.Equal(RowStatus.Done, earlier.LatestStatus);
        Assert.Equal(second, earlier.LatestRunId);
        Assert.Equal([second, first], Open().FindRows(Flow, 2).Select(r => r.RunId));
        Assert.Empty(Open().FindRows(Flow, 99));
    }
}
