using Microsoft.Data.Sqlite;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.WebConsole.Tests;

/// <summary>The state store's paged reads behind the console pages (SqliteStateStore.Console.cs).</summary>
public sealed class ConsoleStoreTests : IDisposable
{
    private const string Flow = "contacts";
    private const string Source = "sheet";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"re-console-store-{Guid.NewGuid():N}.db");
    private readonly SqliteStateStore _store;
    private readonly DateTimeOffset _start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public ConsoleStoreTests() => _store = new SqliteStateStore(_path);

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    /// <summary>A run of <paramref name="rows"/> rows; every row whose number is in <paramref name="held"/> is held,
    /// in <paramref name="unknown"/> has a delivery unknown, the rest are done.</summary>
    private string Run(int minute, int rows, int[]? held = null, int[]? unknown = null, string keyPrefix = "k")
    {
        var runId = _store.BeginRun(Flow, _start.AddMinutes(minute));
        for (var number = 1; number <= rows; number++)
        {
            var item = new SourceItem($"{keyPrefix}{number}", number, new Dictionary<string, string> { ["Email"] = $"row{number}@example.com" }, "");
            var (status, attention) = held?.Contains(number) == true ? (RowStatus.Held, new RowAttention("held: Telegram did not answer"))
                : unknown?.Contains(number) == true ? (RowStatus.Done, new RowAttention("alert: delivery unknown"))
                : (RowStatus.Done, RowAttention.None);
            _store.CompleteItem(runId, Flow, Source, item, status, 0, status == RowStatus.Held ? "Telegram did not answer" : "", attention, null);
        }
        _store.FinishRun(runId, RunStatus.Completed, "", _start.AddMinutes(minute + 1));
        return runId;
    }

    [Fact]
    public void Runs_ArePagedNewestFirst()
    {
        var ids = Enumerable.Range(0, 7).Select(m => Run(m, 1, keyPrefix: $"r{m}-")).ToList();
        Assert.Equal([ids[6], ids[5], ids[4]], _store.ListRuns(Flow, 0, 3).Select(r => r.Id));
        Assert.Equal([ids[3], ids[2], ids[1]], _store.ListRuns(Flow, 3, 3).Select(r => r.Id));
        Assert.Equal([ids[0]], _store.ListRuns(Flow, 6, 3).Select(r => r.Id));
        Assert.Empty(_store.ListRuns("other", 0, 3));
    }

    [Fact]
    public void APageOfRuns_CountsItsRowsAsTheHistoryDoes()
    {
        Run(0, 30, held: [4], unknown: [9, 10]);
        Run(2, 5, keyPrefix: "b");
        var running = _store.BeginRun(Flow, _start.AddMinutes(4));
        _store.StartItems(running, Flow, Source, [new SourceItem("c1", 1, new Dictionary<string, string>(), "")]);
        Assert.Equal(_store.ListRuns(Flow, 10), _store.ListRuns(Flow, 0, 10));
        Assert.Equal(_store.ListRuns(null, 10), _store.ListRuns(null, 0, 10));
        var held = _store.ListRuns(Flow, 2, 1).Single();
        Assert.Equal((30, 1, 3), (held.Rows, held.Held, held.NeedsPerson));
        Assert.Equal(1, _store.ListRuns(Flow, 0, 1).Single().Unfinished);
    }

    [Fact]
    public void ARunsRows_ArePagedByNumber_AndFilteredToThoseThatNeedAPerson()
    {
        var runId = Run(0, 250, held: [3, 120], unknown: [200]);
        var second = _store.ListRows(runId, 100, 100, needsPersonOnly: false);
        Assert.Equal(Enumerable.Range(101, 100), second.Select(r => r.Number));
        Assert.Equal("row101@example.com", second[0].Fields["Email"]);
        Assert.Equal([3, 120, 200], _store.ListRows(runId, 0, 100, needsPersonOnly: true).Select(r => r.Number));
        Assert.Equal([120, 200], _store.ListRows(runId, 1, 100, needsPersonOnly: true).Select(r => r.Number));
    }

    [Fact]
    public void OpenRows_CountAndListOnlyEachItemsLatestLine()
    {
        Run(0, 5, held: [2, 4], unknown: [5]);
        // A later run finished row 2: it no longer needs anyone; row 4 is held again.
        var later = _store.BeginRun(Flow, _start.AddMinutes(5));
        _store.CompleteItem(later, Flow, Source, new SourceItem("k2", 2, new Dictionary<string, string>(), ""), RowStatus.Done, 0, "", RowAttention.None, null);
        _store.CompleteItem(later, Flow, Source, new SourceItem("k4", 4, new Dictionary<string, string>(), ""), RowStatus.Held, 0, "again", new RowAttention("held: again"), null);
        _store.FinishRun(later, RunStatus.Completed, "", _start.AddMinutes(6));

        Assert.Equal(new OpenRowCounts(NeedsPerson: 2, Held: 1, DeliveryUnknown: 1), _store.CountOpenRows(Flow));
        var open = _store.ListOpenRows(Flow, 0, 10);
        Assert.Equal([4, 5], open.Select(r => r.Number));
        Assert.Equal(later, open[0].RunId);
        Assert.Equal([5], _store.ListOpenRows(Flow, 1, 10).Select(r => r.Number));
        Assert.Equal(_store.ListOpenRows(Flow).Select(r => r.Key), open.Select(r => r.Key)); // the same rows 'replay --failed' takes
    }

    [Fact]
    public void OpenRowCounts_FollowEveryWrite_OfThisConnectionAndOfAnother()
    {
        Run(0, 5, held: [2]);
        Assert.Equal(1, _store.CountOpenRows(Flow).NeedsPerson);
        Assert.Equal(1, _store.CountOpenRows(Flow).NeedsPerson); // asked again: the same
        Run(1, 3, held: [1, 2, 3], keyPrefix: "b"); // written through this connection
        Assert.Equal(4, _store.CountOpenRows(Flow).NeedsPerson);

        using (var other = new SqliteStateStore(_path)) // another process's connection ('run', 'replay')
        {
            var runId = other.BeginRun(Flow, _start.AddMinutes(9));
            other.CompleteItem(runId, Flow, Source, new SourceItem("c1", 1, new Dictionary<string, string>(), ""), RowStatus.Held, 0, "no answer",
                new RowAttention("held: no answer"), null);
        }
        Assert.Equal(new OpenRowCounts(5, 5, 0), _store.CountOpenRows(Flow));
    }

    [Fact]
    public void TheConsolesQueries_UseTheirIndexes_NotAScanOfTheJournal()
    {
        Run(0, 3, held: [1]);
        using var db = new SqliteConnection($"Data Source={_path}");
        db.Open();
        string Plan(string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = "EXPLAIN QUERY PLAN " + sql;
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read()) lines.Add(reader.GetString(3));
            return string.Join(" | ", lines);
        }
        var open = Plan("""
            SELECT COUNT(*) FROM (SELECT * FROM run_items INDEXED BY run_items_open_by_key WHERE flow='contacts'
              AND (status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0))) o
            JOIN items i ON i.flow=o.flow AND i.source_key=o.source_key AND i.item_key=o.item_key AND i.run_id=o.run_id
            """);
        Assert.Contains("run_items_open_by_key", open);
        var listed = Plan("""
            SELECT * FROM (SELECT * FROM run_items WHERE flow='contacts'
              AND (status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0))) r
            JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key AND i.run_id=r.run_id
            ORDER BY r.number LIMIT 100
            """);
        Assert.Contains("run_items_open", listed);
        Assert.DoesNotContain("TEMP B-TREE", listed);
        var rows = Plan("SELECT * FROM run_items r WHERE r.run_id='x' ORDER BY r.number LIMIT 100 OFFSET 100");
        Assert.Contains("run_items_by_number", rows);
        Assert.DoesNotContain("TEMP B-TREE", rows);
    }
}
