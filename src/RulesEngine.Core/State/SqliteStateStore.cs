using System.Globalization;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>
/// <see cref="IStateStore"/> on one SQLite file in WAL mode with synchronous=FULL: a committed transaction survives
/// a crash of the process or the machine. One connection, serialised by a lock (a flow's steps run one at a time).
/// </summary>
public sealed partial class SqliteStateStore : IStateStore
{
    private readonly SqliteConnection _db;
    private readonly object _gate = new();

    public SqliteStateStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
              id TEXT PRIMARY KEY, flow TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
              status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '');
            CREATE INDEX IF NOT EXISTS runs_by_flow ON runs(flow, started_at);
            CREATE TABLE IF NOT EXISTS positions (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, position TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key));
            CREATE TABLE IF NOT EXISTS items (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
              run_id TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key));
            CREATE TABLE IF NOT EXISTS steps (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, step_id TEXT NOT NULL,
              result INTEGER NOT NULL, error TEXT NOT NULL, output TEXT NOT NULL, run_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            CREATE TABLE IF NOT EXISTS leases (
              flow TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS flow_switches (
              flow TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS run_items (
              run_id TEXT NOT NULL, number INTEGER NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
              failed_steps INTEGER NOT NULL, error TEXT NOT NULL, fields TEXT NOT NULL, source_key TEXT NOT NULL, flow TEXT NOT NULL,
              PRIMARY KEY (run_id, item_key));
            CREATE TABLE IF NOT EXISTS in_flight (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, step_id TEXT NOT NULL,
              run_id TEXT NOT NULL, started_at TEXT NOT NULL, reason TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            """);
    }

    public string Path { get; }

    public string BeginRun(string flow, DateTimeOffset startedAt)
    {
        var id = $"{startedAt.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        Write("INSERT INTO runs(id, flow, started_at, status) VALUES ($id, $flow, $at, $status)",
            ("$id", id), ("$flow", flow), ("$at", startedAt.ToString("O")), ("$status", nameof(RunStatus.Running)));
        return id;
    }

    public void FinishRun(string runId, RunStatus status, string error, DateTimeOffset finishedAt) =>
        Write("UPDATE runs SET status=$status, error=$error, finished_at=$at WHERE id=$id",
            ("$id", runId), ("$status", status.ToString()), ("$error", SecretRedactor.Redact(error)), ("$at", finishedAt.ToString("O")));

    public string? GetPosition(string flow, string sourceKey) =>
        Scalar("SELECT position FROM positions WHERE flow=$flow AND source_key=$key", ("$flow", flow), ("$key", sourceKey)) as string;

    public void SetPosition(string flow, string sourceKey, string position) =>
        Write(UpsertPosition, ("$flow", flow), ("$key", sourceKey), ("$position", position), ("$at", Now()));

    public bool IsItemRecorded(string flow, string sourceKey, string itemKey) =>
        Scalar("SELECT 1 FROM items WHERE flow=$flow AND source_key=$key AND item_key=$item AND status IN ('Done','Skipped')",
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey)) is not null;

    public IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey)
    {
        lock (_gate)
        {
            using var command = Command("SELECT step_id, result, error, output, run_id, recorded_at FROM steps WHERE flow=$flow AND source_key=$key AND item_key=$item",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
            using var reader = command.ExecuteReader();
            var steps = new Dictionary<string, RecordedStep>(StringComparer.Ordinal);
            while (reader.Read())
                steps[reader.GetString(0)] = ReadStep(reader, 0);
            return steps;
        }
    }

    public void RecordStep(string runId, string flow, string sourceKey, string itemKey, RecordedStep step)
    {
        lock (_gate)
        {
            // The answer replaces the step's in-flight marker in one transaction: there is never a moment when both
            // or neither say what happened to the call.
            using var transaction = _db.BeginTransaction();
            Run(transaction, """
                INSERT INTO steps(flow, source_key, item_key, step_id, result, error, output, run_id, recorded_at)
                VALUES ($flow, $key, $item, $step, $result, $error, $output, $run, $at)
                ON CONFLICT(flow, source_key, item_key, step_id) DO UPDATE SET
                  result=excluded.result, error=excluded.error, output=excluded.output, run_id=excluded.run_id, recorded_at=excluded.recorded_at
                """,
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", step.StepId), ("$result", step.Result),
                ("$error", SecretRedactor.Redact(step.Error)), ("$output", JsonConvert.SerializeObject(step.Output)),
                ("$run", runId), ("$at", step.RecordedAt.ToString("O")));
            Run(transaction, "DELETE FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item AND step_id=$step",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", step.StepId));
            transaction.Commit();
        }
    }

    public void MarkInFlight(string runId, string flow, string sourceKey, string itemKey, string stepId, DateTimeOffset startedAt, string reason) =>
        Write("""
            INSERT INTO in_flight(flow, source_key, item_key, step_id, run_id, started_at, reason)
            VALUES ($flow, $key, $item, $step, $run, $at, $reason)
            ON CONFLICT(flow, source_key, item_key, step_id) DO UPDATE SET run_id=excluded.run_id, started_at=excluded.started_at, reason=excluded.reason
            """,
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", stepId), ("$run", runId),
            ("$at", startedAt.ToString("O")), ("$reason", SecretRedactor.Redact(reason)));

    public void ClearInFlight(string flow, string sourceKey, string itemKey, string stepId) =>
        Write("DELETE FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item AND step_id=$step",
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", stepId));

    public IReadOnlyDictionary<string, InterruptedCall> GetInFlight(string flow, string sourceKey, string itemKey)
    {
        lock (_gate)
        {
            using var command = Command("SELECT step_id, run_id, started_at, reason FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
            using var reader = command.ExecuteReader();
            var calls = new Dictionary<string, InterruptedCall>(StringComparer.Ordinal);
            while (reader.Read())
                calls[reader.GetString(0)] = new InterruptedCall(reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture), reader.GetString(3));
            return calls;
        }
    }

    public IReadOnlyList<RowRecord> ListOpenRows(string flow)
    {
        lock (_gate)
        {
            // The latest history line of every item that is held, errored, or has a failed step.
            using var command = Command("""
                SELECT r.run_id, r.number, r.item_key, i.status, r.failed_steps, r.error, r.fields, r.source_key
                FROM items i JOIN run_items r ON r.flow=i.flow AND r.source_key=i.source_key AND r.item_key=i.item_key AND r.run_id=i.run_id
                WHERE i.flow=$flow AND (i.status IN ('Held','Error') OR r.failed_steps > 0)
                ORDER BY r.number
                """, ("$flow", flow));
            using var reader = command.ExecuteReader();
            var rows = new List<RowRecord>();
            while (reader.Read())
            {
                var fields = JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(6)) ?? new();
                var status = Enum.Parse<RowStatus>(reader.GetString(3));
                rows.Add(new RowRecord(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), status, reader.GetInt32(4),
                    reader.GetString(5), fields, [], reader.GetString(7), status, reader.GetString(0)));
            }
            reader.Close();
            return [.. rows.Select(r => r with { Steps = StepsOf(flow, r.SourceKey, r.Key) })];
        }
    }

    public void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error, string? position)
    {
        lock (_gate)
        {
            using var transaction = _db.BeginTransaction();
            Run(transaction, """
                INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at) VALUES ($flow, $key, $item, $status, $run, $at)
                ON CONFLICT(flow, source_key, item_key) DO UPDATE SET status=excluded.status, run_id=excluded.run_id, updated_at=excluded.updated_at
                """, ("$flow", flow), ("$key", sourceKey), ("$item", item.Key), ("$status", status.ToString()), ("$run", runId), ("$at", Now()));
            Run(transaction, """
                INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow)
                VALUES ($run, $number, $item, $status, $failed, $error, $fields, $key, $flow)
                ON CONFLICT(run_id, item_key) DO UPDATE SET status=excluded.status, failed_steps=excluded.failed_steps, error=excluded.error
                """, ("$run", runId), ("$number", item.Number), ("$item", item.Key), ("$status", status.ToString()),
                ("$failed", failedSteps), ("$error", SecretRedactor.Redact(error)), ("$fields", JsonConvert.SerializeObject(item.Fields)),
                ("$key", sourceKey), ("$flow", flow));
            if (position is not null)
                Run(transaction, UpsertPosition, ("$flow", flow), ("$key", sourceKey), ("$position", position), ("$at", Now()));
            transaction.Commit();
        }
    }

    public string? TryAcquireLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now)
    {
        lock (_gate)
        {
            // BEGIN IMMEDIATE takes SQLite's write lock first, so two processes cannot both see the lease free.
            using var transaction = _db.BeginTransaction(deferred: false);
            using (var read = Command("SELECT owner, expires_at FROM leases WHERE flow=$flow", ("$flow", flow)))
            {
                read.Transaction = transaction;
                using var reader = read.ExecuteReader();
                if (reader.Read() && reader.GetString(0) != owner && DateTimeOffset.Parse(reader.GetString(1)) > now)
                    return reader.GetString(0);
            }
            Run(transaction, "INSERT INTO leases(flow, owner, expires_at) VALUES ($flow, $owner, $expires) ON CONFLICT(flow) DO UPDATE SET owner=excluded.owner, expires_at=excluded.expires_at",
                ("$flow", flow), ("$owner", owner), ("$expires", (now + ttl).ToString("O")));
            transaction.Commit();
            return null;
        }
    }

    public bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE leases SET owner=$owner, expires_at=$expires WHERE flow=$flow AND owner=$dead",
                ("$flow", flow), ("$owner", owner), ("$dead", deadHolder), ("$expires", (now + ttl).ToString("O")));
            return command.ExecuteNonQuery() == 1;
        }
    }

    public void RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now) =>
        Write("UPDATE leases SET expires_at=$expires WHERE flow=$flow AND owner=$owner",
            ("$flow", flow), ("$owner", owner), ("$expires", (now + ttl).ToString("O")));

    public void ReleaseLease(string flow, string owner) =>
        Write("DELETE FROM leases WHERE flow=$flow AND owner=$owner", ("$flow", flow), ("$owner", owner));

    public bool IsEnabled(string flow) =>
        Scalar("SELECT enabled FROM flow_switches WHERE flow=$flow", ("$flow", flow)) is not long enabled || enabled != 0;

    public void SetEnabled(string flow, bool enabled, DateTimeOffset now) =>
        Write("INSERT INTO flow_switches(flow, enabled, updated_at) VALUES ($flow, $enabled, $at) ON CONFLICT(flow) DO UPDATE SET enabled=excluded.enabled, updated_at=excluded.updated_at",
            ("$flow", flow), ("$enabled", enabled ? 1 : 0), ("$at", now.ToString("O")));

    public IReadOnlyList<RunRecord> ListRuns(string? flow, int limit)
    {
        lock (_gate)
        {
            using var command = Command(RunQuery + (flow is null ? "" : " WHERE r.flow=$flow") + " ORDER BY r.started_at DESC, r.id DESC LIMIT $limit",
                ("$flow", flow ?? ""), ("$limit", limit));
            return ReadRuns(command);
        }
    }

    public RunRecord? GetRun(string runId)
    {
        lock (_gate)
        {
            using var command = Command(RunQuery + " WHERE r.id=$id", ("$id", runId));
            return ReadRuns(command).FirstOrDefault();
        }
    }

    public IReadOnlyList<RowRecord> ListRows(string runId)
    {
        lock (_gate)
        {
            var rows = new List<(string Key, string SourceKey, string Flow, RowRecord Row)>();
            using (var command = Command("""
                SELECT r.number, r.item_key, r.status, r.failed_steps, r.error, r.fields, r.source_key, r.flow, i.status, i.run_id
                FROM run_items r LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
                WHERE r.run_id=$run ORDER BY r.number
                """, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    var fields = JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(5)) ?? new();
                    var status = Enum.Parse<RowStatus>(reader.GetString(2));
                    rows.Add((reader.GetString(1), reader.GetString(6), reader.GetString(7), new RowRecord(runId, reader.GetInt32(0), reader.GetString(1),
                        status, reader.GetInt32(3), reader.GetString(4), fields, [], reader.GetString(6),
                        reader.IsDBNull(8) ? status : Enum.Parse<RowStatus>(reader.GetString(8)), reader.IsDBNull(9) ? runId : reader.GetString(9))));
                }
            }
            return [.. rows.Select(r => r.Row with { Steps = StepsOf(r.Flow, r.SourceKey, r.Key) })];
        }
    }

    private List<RecordedStep> StepsOf(string flow, string sourceKey, string itemKey)
    {
        using var command = Command("SELECT step_id, result, error, output, run_id, recorded_at FROM steps WHERE flow=$flow AND source_key=$key AND item_key=$item ORDER BY recorded_at, rowid",
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
        using var reader = command.ExecuteReader();
        var steps = new List<RecordedStep>();
        while (reader.Read()) steps.Add(ReadStep(reader, 0));
        return steps;
    }

    public void Dispose() => _db.Dispose();

    private const string UpsertPosition = """
        INSERT INTO positions(flow, source_key, position, updated_at) VALUES ($flow, $key, $position, $at)
        ON CONFLICT(flow, source_key) DO UPDATE SET position=excluded.position, updated_at=excluded.updated_at
        """;

    private const string RunQuery = """
        SELECT r.id, r.flow, r.started_at, r.finished_at, r.status, r.error,
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Done'),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND (i.failed_steps > 0 OR i.status='Error')),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Held'),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Skipped')
        FROM runs r
        """;

    private static List<RunRecord> ReadRuns(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            runs.Add(new RunRecord(reader.GetString(0), reader.GetString(1), DateTimeOffset.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : DateTimeOffset.Parse(reader.GetString(3)), Enum.Parse<RunStatus>(reader.GetString(4)),
                reader.GetInt32(6), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetString(5)));
        }
        return runs;
    }

    private static RecordedStep ReadStep(SqliteDataReader reader, int offset) => new(
        reader.GetString(offset), reader.GetInt32(offset + 1), reader.GetString(offset + 2),
        JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(offset + 3)) ?? new(),
        reader.GetString(offset + 4), DateTimeOffset.Parse(reader.GetString(offset + 5)));

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private void Execute(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private void Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            command.ExecuteNonQuery();
        }
    }

    private object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteScalar();
        }
    }

    private void Run(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}
