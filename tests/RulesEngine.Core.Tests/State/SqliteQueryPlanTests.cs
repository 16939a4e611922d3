using Microsoft.Data.Sqlite;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Tests.State;

/// <summary>
/// The journal's per-batch questions look keys up in the tables' indexes: a plan that scans a table costs more with
/// every row ever recorded, and turned a 5,000-row run's 0.6 ms a row into 1.7 ms (measured when it happened).
/// </summary>
public sealed class SqliteQueryPlanTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");

    public void Dispose() => SqliteConnection.ClearAllPools();

    [Theory]
    [InlineData(SqliteStateStore.ProgressStepsSql, "steps")]
    [InlineData(SqliteStateStore.ProgressInFlightSql, "in_flight")]
    public void ABatchsProgress_IsLookedUpByIndex_NotByScanningTheTable(string sql, string table)
    {
        using (var store = new SqliteStateStore(_path))
        {
            var runId = store.BeginRun("contacts", DateTimeOffset.UnixEpoch);
            // Enough rows that SQLite has a real choice to make.
            store.RecordSteps(runId, "contacts", "sheet", [.. Enumerable.Range(0, 500).Select(i =>
                new ItemAnswer("row-" + i, new RecordedStep("update", 1, "", new Dictionary<string, string>(), runId, DateTimeOffset.UnixEpoch)))]);
            store.MarkInFlight(runId, "contacts", "sheet", "row-1", "create", DateTimeOffset.UnixEpoch, "called");
        }
        using var db = new SqliteConnection($"Data Source={_path};Pooling=false");
        db.Open();
        using var explain = db.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        explain.Parameters.AddWithValue("$flow", "contacts");
        explain.Parameters.AddWithValue("$key", "sheet");
        explain.Parameters.AddWithValue("$items", """["row-1","row-2"]""");
        var plan = new List<string>();
        using (var reader = explain.ExecuteReader())
            while (reader.Read()) plan.Add(reader.GetString(3));

        // The table (alias s or f) must be searched by the whole key, item_key included: "SEARCH s USING ... INDEX
        // (flow=? AND source_key=?)" reads every row of the flow for every batch.
        var alias = table == "steps" ? "s" : "f";
        var search = plan.SingleOrDefault(line => line.StartsWith($"SEARCH {alias} ", StringComparison.Ordinal));
        Assert.True(search is not null && search.Contains("item_key=?", StringComparison.Ordinal),
            $"{table} must be looked up by flow, source and item key, plan: {string.Join(" | ", plan)}");
    }
}
