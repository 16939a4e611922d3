namespace RulesEngine.Core.State;

/// <summary>Paged reads for the web console: every page reads a bounded slice through an index, so a state file
/// with a million journal rows answers as fast as a new one.</summary>
public sealed partial class SqliteStateStore
{
    /// <summary>The condition of a line that may need a person, written exactly as the partial index
    /// <c>run_items_open</c> is declared, so that SQLite answers these queries from that index.</summary>
    private const string MayNeedPerson = "(status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0))";

    /// <summary>The schema the console's reads rely on: open lines by flow (a small partial index), a run's lines by number.</summary>
    private const string ConsoleIndexes = $"""
        CREATE INDEX IF NOT EXISTS run_items_open ON run_items(flow, number) WHERE {MayNeedPerson};
        CREATE INDEX IF NOT EXISTS run_items_by_number ON run_items(run_id, number);
        """;

    public IReadOnlyList<RunRecord> ListRuns(string? flow, int offset, int limit)
    {
        lock (_gate)
        {
            using var command = Command(RunQuery + (flow is null ? "" : " WHERE r.flow=$flow") + " ORDER BY r.started_at DESC, r.id DESC LIMIT $limit OFFSET $offset",
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

    public OpenRowCounts CountOpenRows(string flow)
    {
        lock (_gate)
        {
            using var command = Command($"""
                SELECT COUNT(*), COALESCE(SUM(o.status='Held'), 0), COALESCE(SUM(o.attention LIKE '%: delivery unknown%'), 0)
                FROM (SELECT * FROM run_items WHERE flow=$flow AND {MayNeedPerson}) o
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
