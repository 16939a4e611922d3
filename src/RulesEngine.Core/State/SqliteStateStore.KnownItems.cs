namespace RulesEngine.Core.State;

/// <summary>Bulk questions about recorded items: a source that reads all its rows compares every key each run.</summary>
public sealed partial class SqliteStateStore
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
                    SELECT value FROM json_each($items) AS asked
                    WHERE NOT EXISTS (SELECT 1 FROM items WHERE flow=$flow AND source_key=$key AND item_key=asked.value
                                      AND status IN ('Done','Skipped'))
                    """, ("$flow", flow), ("$key", sourceKey), ("$items", JsonArray(chunk)));
                using var reader = command.ExecuteReader();
                while (reader.Read()) unrecorded.Add(reader.GetString(0));
            }
        }
        return unrecorded;
    }

    public void RecordKnownItems(string runId, string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        if (itemKeys.Count == 0) return;
        lock (_gate)
        {
            // One transaction: a crash records all of them or none, and 100,000 rows cost one fsync, not 100,000.
            using var transaction = _db.BeginTransaction();
            var at = Now();
            foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
            {
                Run(transaction, """
                    INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at)
                    SELECT $flow, $key, value, 'Skipped', $run, $at FROM json_each($items) WHERE true
                    ON CONFLICT(flow, source_key, item_key) DO NOTHING
                    """, ("$flow", flow), ("$key", sourceKey), ("$items", JsonArray(chunk)),
                    ("$run", runId), ("$at", at));
            }
            transaction.Commit();
        }
    }

    // Reused under the lock: a large tab asks about 100,000 keys every run, and each question's text is built here.
    private readonly System.Text.StringBuilder _jsonArray = new();

    /// <summary>The keys as a JSON array of strings, for json_each.</summary>
    private string JsonArray(IEnumerable<string> keys)
    {
        _jsonArray.Clear().Append('[');
        foreach (var key in keys)
        {
            if (_jsonArray.Length > 1) _jsonArray.Append(',');
            _jsonArray.Append('"');
            foreach (var c in key)
            {
                if (c is '"' or '\\') _jsonArray.Append('\\').Append(c);
                else if (c < ' ') _jsonArray.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                else _jsonArray.Append(c);
            }
            _jsonArray.Append('"');
        }
        return _jsonArray.Append(']').ToString();
    }
}
