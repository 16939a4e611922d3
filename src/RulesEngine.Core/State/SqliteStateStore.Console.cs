namespace RulesEngine.Core.State;

/// <summary>Paged reads for the web console: every page reads a bounded slice through an index, so a state file
/// with a million journal rows answers as fast as a new one.</summary>
internal sealed partial class SqliteStateStore
{
    /// <summary>The condition of a line that may need a person, written exactly as the partial index
    /// <c>run_items_open</c> is declared, so that SQLite answers these queries from that index.</summary>
    private const string MayNeedPerson = "(status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0))";

    /// <summary>The schema the console's reads rely on: the lines that may need a person by flow, by number (paging)
    /// and by item key (counting: the look-ups of each item's latest line then go through the items in key order, not
    /// at random), both small partial indexes; a run's lines by number (paging); and a run's lines by how they ended
    /// (the run counts read this index alone, never the lines' cells).</summary>
    private const string ConsoleIndexes = $"""
        CREATE INDEX IF NOT EXISTS run_items_open ON run_items(flow, number, source_key, item_key, run_id, status, attention, failed_steps) WHERE {MayNeedPerson};
        CREATE INDEX IF NOT EXISTS run_items_open_by_key ON run_items(flow, source_key, item_key, run_id, status, attention) WHERE {MayNeedPerson};
        CREATE INDEX IF NOT EXISTS run_items_by_number ON run_items(run_id, number);
        CREATE INDEX IF NOT EXISTS run_items_counts ON run_items(run_id, status, failed_steps, attention);
        """;

    /// <summary>The run query's columns (see RunQuery) for one page of runs, counting each run's lines in one grouped
    /// pass over <c>run_items_counts</c> instead of one scan per count.</summary>
    private const string RunPageQuery = """
        WITH page AS (SELECT * FROM runs {0} ORDER BY started_at DESC, id DESC LIMIT $limit OFFSET $offset),
        counted AS (
          SELECT run_id, COUNT(*) AS total, SUM(status='Done') AS done, SUM(failed_steps > 0 OR status='Error') AS failed,
            SUM(status='Held') AS held, SUM(status='Skipped') AS skipped,
            SUM(status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0)) AS needs,
            SUM(status='Started') AS started
          FROM run_items WHERE run_id IN (SELECT id FROM page) GROUP BY run_id)
        SELECT r.id, r.flow, r.started_at, r.finished_at, r.status, r.error,
          COALESCE(c.total, 0), COALESCE(c.done, 0), COALESCE(c.failed, 0), COALESCE(c.held, 0), COALESCE(c.skipped, 0),
          COALESCE(c.needs, 0), COALESCE(c.started, 0),
          CASE WHEN r.status IN ('Running','Interrupted') THEN
            (SELECT COUNT(DISTINCT s.item_key) FROM steps s WHERE s.run_id=r.id
               AND NOT EXISTS (SELECT 1 FROM run_items i WHERE i.run_id=r.id AND i.item_key=s.item_key))
          ELSE 0 END,
          r.holder
        FROM page r LEFT JOIN counted c ON c.run_id=r.id
        ORDER BY r.started_at DESC, r.id DESC
        """;

    public IReadOnlyList<RunRecord> ListRuns(string? flow, int offset, int limit)
    {
        lock (_gate)
        {
            // Two texts rather than "$flow IS NULL OR flow=$flow", which would keep SQLite from using runs_by_flow.
            using var command = Command(string.Format(System.Globalization.CultureInfo.InvariantCulture, RunPageQuery, flow is null ? "" : "WHERE flow=$flow"),
                ("$flow", flow ?? ""), ("$limit", limit), ("$offset", offset));
            return ReadRuns(command);
        }
    }

    public IReadOnlyList<RowRecord> ListRows(string runId, int offset, int limit, bool needsPersonOnly)
    {
        lock (_gate)
        {
            using var command = Command($"""
                SELECT {RowColumns}, i.status, i.run_id, r.flow
                FROM run_items r LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
                WHERE r.run_id=$run {(needsPersonOnly ? "AND (r.status IN ('Held','Error') OR r.attention <> '' OR (r.attention IS NULL AND r.failed_steps > 0))" : "")}
                ORDER BY r.number LIMIT $limit OFFSET $offset
                """, ("$run", runId), ("$limit", limit), ("$offset", offset));
            var rows = ReadRows(command);
            return needsPersonOnly ? [.. rows.Where(r => r.Attention.NeedsPerson)] : rows;
        }
    }

    /// <summary>Open-row counts by flow, with the file's change stamp they were counted at: the home page asks for
    /// them on every load, and counting thousands of open rows costs tens of milliseconds, while the stamp costs
    /// nothing. A count is reused only while the stamp is unchanged, so it is always what the query would return.</summary>
    private readonly Dictionary<string, (long DataVersion, long Changes, OpenRowCounts Counts)> _openCounts = new(StringComparer.Ordinal);

    /// <summary>Changes when anything was written: <c>data_version</c> moves when another connection commits,
    /// <c>total_changes()</c> when this one writes.</summary>
    private (long DataVersion, long Changes) ChangeStamp()
    {
        using var command = Command("SELECT (SELECT data_version FROM pragma_data_version), total_changes()");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public OpenRowCounts CountOpenRows(string flow)
    {
        lock (_gate)
        {
            var stamp = ChangeStamp();
            if (_openCounts.TryGetValue(flow, out var cached) && (cached.DataVersion, cached.Changes) == stamp) return cached.Counts;
            var counts = CountOpenRowsNow(flow);
            _openCounts[flow] = (stamp.DataVersion, stamp.Changes, counts);
            return counts;
        }
    }

    private OpenRowCounts CountOpenRowsNow(string flow)
    {
        {
            using var command = Command($"""
                SELECT COUNT(*), COALESCE(SUM(o.status='Held'), 0), COALESCE(SUM(o.attention LIKE '%: delivery unknown%'), 0)
                FROM (SELECT * FROM run_items INDEXED BY run_items_open_by_key WHERE flow=$flow AND {MayNeedPerson}) o
                JOIN items i ON i.flow=o.flow AND i.source_key=o.source_key AND i.item_key=o.item_key AND i.run_id=o.run_id
                """, ("$flow", flow));
            using var reader = command.ExecuteReader();
            reader.Read();
            return new OpenRowCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        }
    }

    public IReadOnlyList<RowRecord> ListOpenRows(string flow, int offset, int limit)
    {
        lock (_gate)
        {
            // The latest line of each item that may need a person, from the partial index; the judgement of lines
            // recorded before it was kept is made when read.
            using var command = Command($"""
                SELECT {RowColumns}, i.status, i.run_id, r.flow
                FROM (SELECT * FROM run_items WHERE flow=$flow AND {MayNeedPerson}) r
                JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key AND i.run_id=r.run_id
                ORDER BY r.number LIMIT $limit OFFSET $offset
                """, ("$flow", flow), ("$limit", limit), ("$offset", offset));
            return [.. ReadRows(command).Where(r => r.Attention.NeedsPerson)];
        }
    }
}
