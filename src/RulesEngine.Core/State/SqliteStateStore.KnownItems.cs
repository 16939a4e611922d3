namespace RulesEngine.Core.State;

/// <summary>Bulk questions about recorded items: a source that reads all its rows compares every key each run.</summary>
internal sealed partial class SqliteStateStore
{
    // One statement takes a JSON array of keys (json_each), so 100,000 keys are a hundred queries, not 100,000; a
    // thousand keys keep each array off the large-object heap.
    private const int KeysPerStatement = 1000;

    public IReadOnlySet<string> FindUnrecordedItems(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        var unrecorded = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
            {
                using var command = Command("""
                    SELECT value FROM json_each(CAST($items AS TEXT)) AS asked
                    WHERE NOT EXISTS (SELECT 1 FROM items WHERE flow=$flow AND source_key=$key AND item_key=asked.value
                                      AND status IN ('Done','Skipped','Error'))
                    """, ("$flow", flow), ("$key", sourceKey), ("$items", JsonArray(chunk)));
                using var reader = command.ExecuteReader();
                while (reader.Read()) unrecorded.Add(reader.GetString(0));
            }
        }
        return unrecorded;
    }

    // CROSS JOIN makes SQLite walk the asked keys and look each one up in the table's index; with a plain JOIN it may
    // choose to scan the whole table for every batch, which grows with every row ever recorded
    // (SqliteQueryPlanTests checks the plan).
    internal const string ProgressStepsSql = """
        SELECT s.step_id, s.result, s.error, s.output, s.run_id, s.recorded_at, s.item_key
        FROM json_each(CAST($items AS TEXT)) AS asked
        CROSS JOIN steps s ON s.flow=$flow AND s.source_key=$key AND s.item_key=asked.value
        """;

    internal const string ProgressInFlightSql = """
        SELECT f.step_id, f.run_id, f.started_at, f.reason, f.item_key
        FROM json_each(CAST($items AS TEXT)) AS asked
        CROSS JOIN in_flight f ON f.flow=$flow AND f.source_key=$key AND f.item_key=asked.value
        """;

    public IReadOnlyDictionary<string, ItemProgress> GetProgress(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        var progress = new ProgressReading();
        lock (_gate)
        {
            foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
            {
                var keys = JsonArray(chunk);
                var answered = Statement(_transaction, ProgressStepsSql, ("$flow", flow), ("$key", sourceKey), ("$items", keys));
                using (var reader = answered.ExecuteReader())
                    while (reader.Read())
                        progress.Answered(reader.GetString(6), ReadStep(reader, 0));
                var calls = Statement(_transaction, ProgressInFlightSql, ("$flow", flow), ("$key", sourceKey), ("$items", keys));
                using (var reader = calls.ExecuteReader())
                    while (reader.Read())
                        progress.Called(reader.GetString(4), reader.GetString(0), ReadInterruptedCall(reader, 1));
            }
        }
        return progress.ByItem();
    }

    public void RecordKnownItems(string runId, string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        if (itemKeys.Count == 0) return;
        // One transaction: a crash records all of them or none, and 100,000 rows cost one fsync, not 100,000.
        InTransaction(transaction =>
        {
            var at = Now();
            foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
            {
                Run(transaction, """
                    INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at)
                    SELECT $flow, $key, value, 'Skipped', $run, $at FROM json_each(CAST($items AS TEXT)) WHERE true
                    ON CONFLICT(flow, source_key, item_key) DO NOTHING
                    """, ("$flow", flow), ("$key", sourceKey), ("$items", JsonArray(chunk)),
                    ("$run", runId), ("$at", at));
            }
        });
    }

    // Reused under the lock: a large tab asks about 100,000 keys every run, and each question's text is built here,
    // as UTF-8 bytes (bound as a blob, read as text by the CAST): no UTF-16 copy, no second conversion.
    private readonly System.Buffers.ArrayBufferWriter<byte> _jsonArray = new(64 * 1024);

    /// <summary>The keys as a JSON array of strings in UTF-8, for json_each.</summary>
    private byte[] JsonArray(IEnumerable<string> keys)
    {
        _jsonArray.ResetWrittenCount();
        using (var json = new System.Text.Json.Utf8JsonWriter(_jsonArray))
        {
            json.WriteStartArray();
            foreach (var key in keys) json.WriteStringValue(key);
            json.WriteEndArray();
        }
        return _jsonArray.WrittenSpan.ToArray();
    }
}
