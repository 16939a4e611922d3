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
internal sealed partial class SqliteStateStore : IStateStore, IStateTransfer
{
    private readonly SqliteConnection _db;
    private readonly object _gate = new();

    public SqliteStateStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        // Decided before SQLite creates it: a new state file knows no row, so a run on it processes every row again.
        IsNew = !File.Exists(Path) || new FileInfo(Path).Length == 0;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        Migrate();
    }

    /// <summary>Rows recorded before the judgement was kept with them are judged once from their recorded steps
    /// (see <see cref="Running.RowAttention.For(RowStatus, string, IReadOnlyList{RecordedStep}, Running.FlowShape?)"/>),
    /// so that old runs count their rows the way new ones do.</summary>
    private void JudgeOldRows()
    {
        // One pass over the old lines joined with their items' steps (in the order they were recorded), so a large
        // file is judged in seconds, not one query per row.
        var judged = new List<(string RunId, string Key, string Attention)>();
        using (var command = Command("""
            SELECT r.run_id, r.item_key, r.status, r.error, s.step_id, s.result, s.error, s.output, s.run_id
            FROM run_items r LEFT JOIN steps s ON s.flow=r.flow AND s.source_key=r.source_key AND s.item_key=r.item_key
            WHERE r.attention IS NULL
            ORDER BY r.run_id, r.item_key, s.recorded_at, s.rowid
            """))
        using (var reader = command.ExecuteReader())
        {
            (string RunId, string Key, RowStatus Status, string Error)? current = null;
            var steps = new List<RecordedStep>();
            void Judge()
            {
                if (current is { } row)
                    judged.Add((row.RunId, row.Key, Running.RowAttention.For(row.Status, row.Error, steps).Reason));
                steps = [];
            }
            while (reader.Read())
            {
                var (runId, key) = (reader.GetString(0), reader.GetString(1));
                if (current is not { } row || row.RunId != runId || row.Key != key)
                {
                    Judge();
                    current = (runId, key, Enum.Parse<RowStatus>(reader.GetString(2)), reader.GetString(3));
                }
                if (reader.IsDBNull(4)) continue;
                // Only an If's explanation and a delivery-unknown mark matter here: most outputs need no parsing.
                var output = reader.GetString(7);
                steps.Add(new RecordedStep(reader.GetString(4), reader.GetInt32(5), reader.GetString(6),
                    output.Contains(Running.StepWalker.ExplanationKey, StringComparison.Ordinal) || output.Contains(Running.RowAttention.DeliveryUnknownKey, StringComparison.Ordinal)
                        ? JsonConvert.DeserializeObject<Dictionary<string, string>>(output) ?? new()
                        : NoOutput,
                    reader.GetString(8), default));
            }
            Judge();
        }
        if (judged.Count == 0) return;
        using var update = Command("UPDATE run_items SET attention=$attention WHERE run_id=$run AND item_key=$item AND attention IS NULL",
            ("$attention", ""), ("$run", ""), ("$item", ""));
        foreach (var (runId, key, attention) in judged)
        {
            update.Parameters["$attention"].Value = SecretRedactor.Redact(attention);
            update.Parameters["$run"].Value = runId;
            update.Parameters["$item"].Value = key;
            update.ExecuteNonQuery();
        }
    }

    public string Path { get; }

    public string Location => Path;

    /// <summary>True when the file did not exist (or was empty) before this store opened it.</summary>
    public bool IsNew { get; }

    public string BeginRun(string flow, DateTimeOffset startedAt, string holder = "")
    {
        var id = $"{startedAt.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        Write("INSERT INTO runs(id, flow, started_at, status, holder) VALUES ($id, $flow, $at, $status, $holder)",
            ("$id", id), ("$flow", flow), ("$at", startedAt.ToString("O")), ("$status", nameof(RunStatus.Running)), ("$holder", holder));
        return id;
    }

    public int MarkInterrupted(string flow, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var command = Command(
                "UPDATE runs SET status=$status, error=$error, finished_at=COALESCE(finished_at, $at) WHERE flow=$flow AND status=$running",
                ("$flow", flow), ("$status", nameof(RunStatus.Interrupted)), ("$running", nameof(RunStatus.Running)),
                ("$error", InterruptedError), ("$at", now.ToString("O")));
            return command.ExecuteNonQuery();
        }
    }

    private const string InterruptedError = "interrupted: its process ended before the run finished; the next run took over the rows it had not finished";

    public void StartItems(string runId, string flow, string sourceKey, IReadOnlyList<SourceItem> items)
    {
        if (items.Count == 0) return;
        InTransaction(transaction =>
        {
            foreach (var item in items)
            {
                Run(transaction, """
                    INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
                    VALUES ($run, $number, $item, $status, 0, '', $fields, $key, $flow, '')
                    ON CONFLICT(run_id, item_key) DO NOTHING
                    """, ("$run", runId), ("$number", item.Number), ("$item", item.Key), ("$status", nameof(RowStatus.Started)),
                    ("$fields", JsonConvert.SerializeObject(item.Fields)), ("$key", sourceKey), ("$flow", flow));
            }
        });
    }

    public void FinishRun(string runId, RunStatus status, string error, DateTimeOffset finishedAt) =>
        Write("UPDATE runs SET status=$status, error=$error, finished_at=$at WHERE id=$id",
            ("$id", runId), ("$status", status.ToString()), ("$error", SecretRedactor.Redact(error)), ("$at", finishedAt.ToString("O")));

    public string? GetPosition(string flow, string sourceKey) =>
        Scalar("SELECT position FROM positions WHERE flow=$flow AND source_key=$key", ("$flow", flow), ("$key", sourceKey)) as string;

    public void SetPosition(string flow, string sourceKey, string position) =>
        Write(UpsertPosition, ("$flow", flow), ("$key", sourceKey), ("$position", position), ("$at", Now()));

    public bool IsItemRecorded(string flow, string sourceKey, string itemKey) =>
        Scalar("SELECT 1 FROM items WHERE flow=$flow AND source_key=$key AND item_key=$item AND status IN ('Done','Skipped','Error')",
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey)) is not null;

    public IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey)
    {
        lock (_gate)
        {
            var command = Statement(_transaction, "SELECT step_id, result, error, output, run_id, recorded_at FROM steps WHERE flow=$flow AND source_key=$key AND item_key=$item",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
            using var reader = command.ExecuteReader();
            var steps = new Dictionary<string, RecordedStep>(StringComparer.Ordinal);
            while (reader.Read())
                steps[reader.GetString(0)] = ReadStep(reader, 0);
            return steps;
        }
    }

    public void RecordStep(string runId, string flow, string sourceKey, string itemKey, RecordedStep step) =>
        RecordSteps(runId, flow, sourceKey, [new ItemAnswer(itemKey, step)]);

    public void MarkInFlight(string runId, string flow, string sourceKey, string itemKey, string stepId, DateTimeOffset startedAt, string reason) =>
        Write("""
            INSERT INTO in_flight(flow, source_key, item_key, step_id, run_id, started_at, reason)
            VALUES ($flow, $key, $item, $step, $run, $at, $reason)
            ON CONFLICT(flow, source_key, item_key, step_id) DO UPDATE SET run_id=excluded.run_id, started_at=excluded.started_at, reason=excluded.reason
            """,
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", stepId), ("$run", runId),
            ("$at", startedAt.ToString("O")), ("$reason", SecretRedactor.Redact(reason)));

    public void ClearInFlight(string flow, string sourceKey, string itemKey, string stepId, string? writtenByRun = null)
    {
        if (writtenByRun is null)
            Write("DELETE FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item AND step_id=$step",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", stepId));
        else
            Write("DELETE FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item AND step_id=$step AND run_id=$run",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey), ("$step", stepId), ("$run", writtenByRun));
    }

    public IReadOnlyDictionary<string, InterruptedCall> GetInFlight(string flow, string sourceKey, string itemKey)
    {
        lock (_gate)
        {
            var command = Statement(_transaction, "SELECT step_id, run_id, started_at, reason FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item",
                ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
            using var reader = command.ExecuteReader();
            var calls = new Dictionary<string, InterruptedCall>(StringComparer.Ordinal);
            while (reader.Read())
                calls[reader.GetString(0)] = ReadInterruptedCall(reader, 1);
            return calls;
        }
    }

    public IReadOnlyList<RowRecord> ListOpenRows(string flow)
    {
        lock (_gate)
        {
            // The latest history line of every item that needs a person. Lines recorded before the judgement was
            // kept (attention NULL) are candidates when they had a failed step, and judged from their steps below.
            using var command = Command($"""
                SELECT {RowColumns}, i.status, i.run_id, r.flow
                FROM items i JOIN run_items r ON r.flow=i.flow AND r.source_key=i.source_key AND r.item_key=i.item_key AND r.run_id=i.run_id
                WHERE i.flow=$flow AND (i.status IN ('Held','Error') OR r.attention <> '' OR (r.attention IS NULL AND r.failed_steps > 0))
                ORDER BY r.number
                """, ("$flow", flow));
            return [.. ReadRows(command).Where(r => r.Attention.NeedsPerson)];
        }
    }

    public void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error,
        Running.RowAttention attention, string? position) =>
        CompleteItems(runId, flow, sourceKey, [new ItemCompletion(item, status, failedSteps, error, attention, position)]);

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

    public bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now, TimeSpan? unrenewedFor = null)
    {
        lock (_gate)
        {
            // BEGIN IMMEDIATE: the holder's renewal cannot slip in between reading its expiry and taking the lease.
            using var transaction = _db.BeginTransaction(deferred: false);
            using (var read = Command("SELECT owner, expires_at FROM leases WHERE flow=$flow", ("$flow", flow)))
            {
                read.Transaction = transaction;
                using var reader = read.ExecuteReader();
                if (!reader.Read()) return false;
                if (reader.GetString(0) == owner) return true;
                if (reader.GetString(0) != deadHolder) return false;
                if (unrenewedFor is { } quiet && DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture) > now - quiet + ttl) return false;
            }
            Run(transaction, "UPDATE leases SET owner=$owner, expires_at=$expires WHERE flow=$flow",
                ("$flow", flow), ("$owner", owner), ("$expires", (now + ttl).ToString("O")));
            transaction.Commit();
            return true;
        }
    }

    public bool RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now)
    {
        lock (_gate)
        {
            using var command = Command("UPDATE leases SET expires_at=$expires WHERE flow=$flow AND owner=$owner",
                ("$flow", flow), ("$owner", owner), ("$expires", (now + ttl).ToString("O")));
            return command.ExecuteNonQuery() == 1;
        }
    }

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
            List<RowRecord> rows;
            using (var command = Command($"""
                SELECT {RowColumns}, i.status, i.run_id, r.flow
                FROM run_items r LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
                WHERE r.run_id=$run ORDER BY r.number
                """, ("$run", runId)))
                rows = ReadRows(command);
            // A run interrupted before rows had lines of their own (files written before lines were started with
            // the batch) still shows what it did: the items it recorded steps for.
            using (var command = Command("""
                SELECT DISTINCT s.flow, s.source_key, s.item_key, i.status, i.run_id FROM steps s
                LEFT JOIN items i ON i.flow=s.flow AND i.source_key=s.source_key AND i.item_key=s.item_key
                WHERE s.run_id=$run AND NOT EXISTS (SELECT 1 FROM run_items r WHERE r.run_id=s.run_id AND r.item_key=s.item_key)
                """, ("$run", runId)))
            using (var reader = command.ExecuteReader())
            {
                var bare = new List<(string Flow, string SourceKey, string Key, RowStatus? Latest, string LatestRun)>();
                while (reader.Read())
                    bare.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                        reader.IsDBNull(3) ? null : Enum.Parse<RowStatus>(reader.GetString(3)), reader.IsDBNull(4) ? runId : reader.GetString(4)));
                reader.Close();
                rows.AddRange(bare.Select(b => new RowRecord(runId, 0, b.Key, RowStatus.Started, 0, "", new Dictionary<string, string>(),
                    StepsOf(b.Flow, b.SourceKey, b.Key), b.SourceKey, b.Latest ?? RowStatus.Started, b.LatestRun)));
            }
            return rows;
        }
    }

    /// <summary>Every history line of the flow recorded as row <paramref name="number"/>, newest run first.</summary>
    public IReadOnlyList<RowRecord> FindRows(string flow, int number)
    {
        lock (_gate)
        {
            using var command = Command($"""
                SELECT {RowColumns}, i.status, i.run_id, r.flow
                FROM run_items r JOIN runs u ON u.id=r.run_id
                LEFT JOIN items i ON i.flow=r.flow AND i.source_key=r.source_key AND i.item_key=r.item_key
                WHERE r.flow=$flow AND r.number=$number ORDER BY u.started_at DESC, u.id DESC
                """, ("$flow", flow), ("$number", number));
            return ReadRows(command);
        }
    }

    private static readonly Dictionary<string, string> NoOutput = new();

    private const string RowColumns = HistoryReading.RowColumns;

    private List<RowRecord> ReadRows(SqliteCommand command) => HistoryReading.ReadRows(command, StepsOf);

    private List<RecordedStep> StepsOf(string flow, string sourceKey, string itemKey)
    {
        using var command = Command("SELECT step_id, result, error, output, run_id, recorded_at FROM steps WHERE flow=$flow AND source_key=$key AND item_key=$item ORDER BY recorded_at, rowid",
            ("$flow", flow), ("$key", sourceKey), ("$item", itemKey));
        using var reader = command.ExecuteReader();
        var steps = new List<RecordedStep>();
        while (reader.Read()) steps.Add(ReadStep(reader, 0));
        return steps;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var statement in _statements.Values) statement.Dispose();
            _statements.Clear();
        }
        _db.Dispose();
    }

    private const string UpsertPosition = """
        INSERT INTO positions(flow, source_key, position, updated_at) VALUES ($flow, $key, $position, $at)
        ON CONFLICT(flow, source_key) DO UPDATE SET position=excluded.position, updated_at=excluded.updated_at
        """;

    private const string RunQuery = HistoryReading.RunQuery;

    private static List<RunRecord> ReadRuns(SqliteCommand command) =>
        HistoryReading.ReadRuns(command, (reader, column) => DateTimeOffset.Parse(reader.GetString(column), CultureInfo.InvariantCulture));

    private static RecordedStep ReadStep(SqliteDataReader reader, int offset) => new(
        reader.GetString(offset), reader.GetInt32(offset + 1), reader.GetString(offset + 2),
        JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(offset + 3)) ?? new(),
        reader.GetString(offset + 4), DateTimeOffset.Parse(reader.GetString(offset + 5)));

    private static InterruptedCall ReadInterruptedCall(SqliteDataReader reader, int offset) => new(
        reader.GetString(offset), DateTimeOffset.Parse(reader.GetString(offset + 1), CultureInfo.InvariantCulture), reader.GetString(offset + 2));

    private static string Now() => DateTimeOffset.UtcNow.ToString("O");

    private void AddColumn(string table, string column, string definition)
    {
        using (var info = Command($"SELECT 1 FROM pragma_table_info('{table}') WHERE name=$name", ("$name", column)))
            if (info.ExecuteScalar() is not null) return;
        try
        {
            Execute($"ALTER TABLE {table} ADD COLUMN {column} {definition};");
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            // another process opening the same file added it first
        }
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private void Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate) Statement(_transaction, sql, parameters).ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate) return Statement(_transaction, sql, parameters).ExecuteScalar();
    }

    private void Run(SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters) =>
        Statement(transaction, sql, parameters).ExecuteNonQuery();

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, prepared on first use and kept, with these values bound:
    /// the journal runs the same few statements for every row and batch, and SQLite parsing and planning them again
    /// each time cost more than running them. Only for constant SQL (the cache lives as long as the store); callers
    /// hold the lock and do not dispose it. A reader opened on it must be disposed before the next use.
    /// </summary>
    private SqliteCommand Statement(SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = _db.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            command.Transaction = transaction;
            command.Prepare();
            _statements[sql] = command;
        }
        command.Transaction = transaction; // SQLite wants every command of the connection inside its open transaction
        foreach (var (name, value) in parameters) command.Parameters[name].Value = value;
        return command;
    }

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction; // SQLite wants every command of the connection inside its open transaction
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }
}
