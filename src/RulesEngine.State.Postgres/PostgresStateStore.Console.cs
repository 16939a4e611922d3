using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>Paged reads for the web console: each page reads a bounded slice through an index (migration 2), so a
/// database with a million journal rows answers as fast as a new one.</summary>
internal sealed partial class PostgresStateStore
{
    /// <summary>The condition of a line that may need a person, written as the partial index <c>run_items_open</c>
    /// is declared, so that PostgreSQL answers these queries from that index.</summary>
    private const string MayNeedPerson = "(status IN ('Held','Error') OR attention <> '' OR (attention IS NULL AND failed_steps > 0))";

    public IReadOnlyList<RunRecord> ListRuns(string? flow, int offset, int limit) => Use(connection =>
    {
        using var command = Command(connection,
            RunQuery + (flow is null ? "" : " WHERE r.flow=@flow") + " ORDER BY r.started_at DESC, r.id DESC LIMIT @limit OFFSET @offset",
            ("flow", flow ?? ""), ("limit", limit), ("offset", offset));
        return (IReadOnlyList<RunRecord>)ReadRuns(command);
    });

    public IReadOnlyList<RowRecord> ListRows(string runId, int offset, int limit, bool needsPersonOnly) => Use(connection =>
    {
        using var command = Command(connection, $"""
            SELECT {RowColumns}, i.status, i.run_id, r.flow
            FROM run_items r LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
            WHERE r.run_id=@run {(needsPersonOnly ? "AND (r.status IN ('Held','Error') OR r.attention <> '' OR (r.attention IS NULL AND r.failed_steps > 0))" : "")}
            ORDER BY r.number LIMIT @limit OFFSET @offset
            """, ("run", runId), ("limit", limit), ("offset", offset));
        var rows = ReadRows(connection, command);
        return (IReadOnlyList<RowRecord>)(needsPersonOnly ? [.. rows.Where(r => r.Attention.NeedsPerson)] : rows);
    });

    public OpenRowCounts CountOpenRows(string flow) => Use(connection =>
    {
        // The latest line of each item, among those that may need a person (the partial index).
        using var command = Command(connection, $"""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.status='Held' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN o.attention LIKE '%: delivery unknown%' THEN 1 ELSE 0 END), 0)
            FROM (SELECT * FROM run_items WHERE flow=@flow AND {MayNeedPerson}) o
            JOIN items i ON i.flow=o.flow AND i.source_key=o.source_key AND i.item_key=o.item_key AND i.run_id=o.run_id
            """, ("flow", flow));
        using var reader = command.ExecuteReader();
        reader.Read();
        return new OpenRowCounts((int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2));
    });

    public IReadOnlyList<RowRecord> ListOpenRows(string flow, int offset, int limit) => Use(connection =>
    {
        using var command = Command(connection, $"""
            SELECT {RowColumns}, i.status, i.run_id, r.flow
            FROM (SELECT * FROM run_items WHERE flow=@flow AND {MayNeedPerson}) r
            JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key AND i.run_id=r.run_id
            ORDER BY r.number LIMIT @limit OFFSET @offset
            """, ("flow", flow), ("limit", limit), ("offset", offset));
        return (IReadOnlyList<RowRecord>)[.. ReadRows(connection, command).Where(r => r.Attention.NeedsPerson)];
    });
}
