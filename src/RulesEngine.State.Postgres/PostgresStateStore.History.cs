using Newtonsoft.Json;
using Npgsql;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.State.Postgres;

/// <summary>Runs and history lines: what <c>history</c>, <c>status</c> and <c>replay</c> read.</summary>
internal sealed partial class PostgresStateStore
{
    private const string InterruptedError = "interrupted: its process ended before the run finished; the next run took over the rows it had not finished";

    public string BeginRun(string flow, DateTimeOffset startedAt, string holder = "")
    {
        var id = $"{startedAt.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        Use(connection =>
        {
            // DO NOTHING, then a check: a retry after a commit whose answer was lost finds its own row.
            if (Run(connection, null, "INSERT INTO runs(id, flow, started_at, status, holder) VALUES (@id, @flow, @at, @status, @holder) ON CONFLICT (id) DO NOTHING",
                    ("id", id), ("flow", flow), ("at", startedAt), ("status", nameof(RunStatus.Running)), ("holder", holder)) == 1)
                return;
            using var mine = Command(connection, "SELECT 1 FROM runs WHERE id=@id AND flow=@flow AND holder=@holder", ("id", id), ("flow", flow), ("holder", holder));
            if (mine.ExecuteScalar() is null) throw new InvalidOperationException($"run id {id} is already taken by another run; start the run again");
        });
        return id;
    }

    public void FinishRun(string runId, RunStatus status, string error, DateTimeOffset finishedAt) =>
        Write("UPDATE runs SET status=@status, error=@error, finished_at=@at WHERE id=@id",
            ("id", runId), ("status", status.ToString()), ("error", SecretRedactor.Redact(error)), ("at", finishedAt));

    public int MarkInterrupted(string flow, DateTimeOffset now) => Use(connection => Run(connection, null,
        "UPDATE runs SET status=@status, error=@error, finished_at=COALESCE(finished_at, @at) WHERE flow=@flow AND status=@running",
        ("flow", flow), ("status", nameof(RunStatus.Interrupted)), ("running", nameof(RunStatus.Running)), ("error", InterruptedError), ("at", now)));

    public void StartItems(string runId, string flow, string sourceKey, IReadOnlyList<SourceItem> items)
    {
        if (items.Count == 0) return;
        InTransaction((connection, transaction) =>
        {
            // One statement for the batch: arrays of the columns, unnested together.
            Run(connection, transaction, """
                INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
                SELECT @run, number, item_key, @status, 0, '', fields, @key, @flow, ''
                FROM unnest(@numbers::integer[], @items::text[], @fields::text[]) AS batch(number, item_key, fields)
                ON CONFLICT (run_id, item_key) DO NOTHING
                """, ("run", runId), ("status", nameof(RowStatus.Started)), ("key", sourceKey), ("flow", flow),
                ("numbers", items.Select(i => i.Number).ToArray()), ("items", items.Select(i => i.Key).ToArray()),
                ("fields", items.Select(i => JsonConvert.SerializeObject(i.Fields)).ToArray()));
        });
    }

    public IReadOnlyList<RowRecord> ListOpenRows(string flow) => Use(connection =>
    {
        using var command = Command(connection, $"""
            SELECT {RowColumns}, i.status, i.run_id, r.flow
            FROM items i JOIN run_items r ON r.flow=i.flow AND r.source_key=i.source_key AND r.item_key=i.item_key AND r.run_id=i.run_id
            WHERE i.flow=@flow AND (i.status IN ('Held','Error') OR r.attention <> '' OR (r.attention IS NULL AND r.failed_steps > 0))
            ORDER BY r.number
            """, ("flow", flow));
        return (IReadOnlyList<RowRecord>)[.. ReadRows(connection, command).Where(r => r.Attention.NeedsPerson)];
    });

    public IReadOnlyList<RowRecord> FindRows(string flow, int number) => Use(connection =>
    {
        using var command = Command(connection, $"""
            SELECT {RowColumns}, i.status, i.run_id, r.flow
            FROM run_items r JOIN runs u ON u.id=r.run_id
            LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
            WHERE r.flow=@flow AND r.number=@number ORDER BY u.started_at DESC, u.id DESC
            """, ("flow", flow), ("number", number));
        return (IReadOnlyList<RowRecord>)ReadRows(connection, command);
    });

    public IReadOnlyList<RunRecord> ListRuns(string? flow, int limit) => Use(connection =>
    {
        using var command = Command(connection, RunQuery + (flow is null ? "" : " WHERE r.flow=@flow") + " ORDER BY r.started_at DESC, r.id DESC LIMIT @limit",
            ("flow", flow ?? ""), ("limit", limit));
        return (IReadOnlyList<RunRecord>)ReadRuns(command);
    });

    public RunRecord? GetRun(string runId) => Use(connection =>
    {
        using var command = Command(connection, RunQuery + " WHERE r.id=@id", ("id", runId));
        return ReadRuns(command).FirstOrDefault();
    });

    public IReadOnlyList<RowRecord> ListRows(string runId) => Use(connection =>
    {
        List<RowRecord> rows;
        using (var command = Command(connection, $"""
            SELECT {RowColumns}, i.status, i.run_id, r.flow
            FROM run_items r LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
            WHERE r.run_id=@run ORDER BY r.number
            """, ("run", runId)))
            rows = ReadRows(connection, command);
        // Items the run recorded steps for without a history line of their own (copied from an old SQLite file).
        var bare = new List<(string Flow, string SourceKey, string Key, RowStatus? Latest, string LatestRun)>();
        using (var command = Command(connection, """
            SELECT DISTINCT s.flow, s.source_key, s.item_key, i.status, i.run_id FROM steps s
            LEFT JOIN items i ON i.flow=s.flow AND i.source_key=s.source_key AND i.item_key=s.item_key
            WHERE s.run_id=@run AND NOT EXISTS (SELECT 1 FROM run_items r WHERE r.run_id=s.run_id AND r.item_key=s.item_key)
            """, ("run", runId)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
                bare.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : Enum.Parse<RowStatus>(reader.GetString(3)), reader.IsDBNull(4) ? runId : reader.GetString(4)));
        }
        rows.AddRange(bare.Select(b => new RowRecord(runId, 0, b.Key, RowStatus.Started, 0, "", new Dictionary<string, string>(),
            StepsOf(connection, b.Flow, b.SourceKey, b.Key), b.SourceKey, b.Latest ?? RowStatus.Started, b.LatestRun)));
        return (IReadOnlyList<RowRecord>)rows;
    });

    private const string RowColumns = HistoryReading.RowColumns;

    private static List<RowRecord> ReadRows(NpgsqlConnection connection, NpgsqlCommand command) =>
        HistoryReading.ReadRows(command, (flow, sourceKey, itemKey) => StepsOf(connection, flow, sourceKey, itemKey));

    private const string RunQuery = HistoryReading.RunQuery;

    private static List<RunRecord> ReadRuns(NpgsqlCommand command) =>
        HistoryReading.ReadRuns(command, (reader, column) => reader.GetFieldValue<DateTimeOffset>(column));
}
