using Newtonsoft.Json;
using Npgsql;
using RulesEngine.Core.Connections;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.State.Postgres;

/// <summary>The per-item journal: recorded steps, in-flight markers, how items ended, and bulk questions about keys.</summary>
internal sealed partial class PostgresStateStore
{
    // A thousand keys per statement, as in the SQLite store: 100,000 keys are a hundred round trips.
    private const int KeysPerStatement = 1000;
    private const string Recorded = "('Done','Skipped','Error')";

    public bool IsItemRecorded(string flow, string sourceKey, string itemKey) =>
        Scalar($"SELECT 1 FROM items WHERE flow=@flow AND source_key=@key AND item_key=@item AND status IN {Recorded}",
            ("flow", flow), ("key", sourceKey), ("item", itemKey)) is not null;

    public IReadOnlySet<string> FindUnrecordedItems(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys) => Use(connection =>
    {
        var unrecorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
        {
            using var command = Command(connection, $"""
                SELECT asked FROM unnest(@items::text[]) AS asked
                WHERE NOT EXISTS (SELECT 1 FROM items WHERE flow=@flow AND source_key=@key AND item_key=asked AND status IN {Recorded})
                """, ("flow", flow), ("key", sourceKey), ("items", chunk));
            using var reader = command.ExecuteReader();
            while (reader.Read()) unrecorded.Add(reader.GetString(0));
        }
        return unrecorded;
    });

    public void RecordKnownItems(string runId, string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        if (itemKeys.Count == 0) return;
        // One transaction: a crash records all of them or none.
        InTransaction((connection, transaction) =>
        {
            var at = DateTimeOffset.UtcNow;
            foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
                Run(connection, transaction, """
                    INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at)
                    SELECT @flow, @key, asked, 'Skipped', @run, @at FROM unnest(@items::text[]) AS asked
                    ON CONFLICT (flow, source_key, item_key) DO NOTHING
                    """, ("flow", flow), ("key", sourceKey), ("items", chunk), ("run", runId), ("at", at));
        });
    }

    public IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey) => Use(connection =>
    {
        var steps = new Dictionary<string, RecordedStep>(StringComparer.Ordinal);
        foreach (var step in StepsOf(connection, flow, sourceKey, itemKey)) steps[step.StepId] = step;
        return (IReadOnlyDictionary<string, RecordedStep>)steps;
    });

    public IReadOnlyDictionary<string, ItemProgress> GetProgress(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys) => Use(connection =>
    {
        var progress = new ProgressReading();
        foreach (var chunk in itemKeys.Chunk(KeysPerStatement))
        {
            using (var command = Command(connection, """
                SELECT step_id, result, error, output, run_id, recorded_at, item_key FROM steps
                WHERE flow=@flow AND source_key=@key AND item_key = ANY(@items) ORDER BY recorded_at, seq
                """, ("flow", flow), ("key", sourceKey), ("items", chunk)))
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    progress.Answered(reader.GetString(6), ReadStep(reader));
            using (var command = Command(connection,
                "SELECT step_id, run_id, started_at, reason, item_key FROM in_flight WHERE flow=@flow AND source_key=@key AND item_key = ANY(@items)",
                ("flow", flow), ("key", sourceKey), ("items", chunk)))
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    progress.Called(reader.GetString(4), reader.GetString(0),
                        new InterruptedCall(reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3)));
        }
        return progress.ByItem();
    });

    public void RecordStep(string runId, string flow, string sourceKey, string itemKey, RecordedStep step) =>
        // The answer replaces the step's in-flight marker in one transaction: there is never a moment when both or
        // neither say what happened to the call.
        Use(connection => Batch(connection,
            ("""
                INSERT INTO steps(flow, source_key, item_key, step_id, result, error, output, run_id, recorded_at)
                VALUES (@flow, @key, @item, @step, @result, @error, @output, @run, @at)
                ON CONFLICT (flow, source_key, item_key, step_id) DO UPDATE SET
                  result=excluded.result, error=excluded.error, output=excluded.output, run_id=excluded.run_id, recorded_at=excluded.recorded_at
                """,
            [("flow", flow), ("key", sourceKey), ("item", itemKey), ("step", step.StepId), ("result", step.Result),
                ("error", SecretRedactor.Redact(step.Error)), ("output", JsonConvert.SerializeObject(step.Output)),
                ("run", runId), ("at", step.RecordedAt)]),
            ("DELETE FROM in_flight WHERE flow=@flow AND source_key=@key AND item_key=@item AND step_id=@step",
                [("flow", flow), ("key", sourceKey), ("item", itemKey), ("step", step.StepId)])));

    public void MarkInFlight(string runId, string flow, string sourceKey, string itemKey, string stepId, DateTimeOffset startedAt, string reason) =>
        Write("""
            INSERT INTO in_flight(flow, source_key, item_key, step_id, run_id, started_at, reason)
            VALUES (@flow, @key, @item, @step, @run, @at, @reason)
            ON CONFLICT (flow, source_key, item_key, step_id) DO UPDATE SET run_id=excluded.run_id, started_at=excluded.started_at, reason=excluded.reason
            """,
            ("flow", flow), ("key", sourceKey), ("item", itemKey), ("step", stepId), ("run", runId),
            ("at", startedAt), ("reason", SecretRedactor.Redact(reason)));

    public void ClearInFlight(string flow, string sourceKey, string itemKey, string stepId, string? writtenByRun = null) =>
        // A marker another run rewrote meanwhile (ON CONFLICT ... SET run_id) is re-checked against the run id by the
        // DELETE itself (READ COMMITTED re-reads a row updated under it), so it is never removed by a late clear.
        Write("DELETE FROM in_flight WHERE flow=@flow AND source_key=@key AND item_key=@item AND step_id=@step AND (@run::text IS NULL OR run_id=@run)",
            ("flow", flow), ("key", sourceKey), ("item", itemKey), ("step", stepId), ("run", writtenByRun));

    public IReadOnlyDictionary<string, InterruptedCall> GetInFlight(string flow, string sourceKey, string itemKey) => Use(connection =>
    {
        using var command = Command(connection, "SELECT step_id, run_id, started_at, reason FROM in_flight WHERE flow=@flow AND source_key=@key AND item_key=@item",
            ("flow", flow), ("key", sourceKey), ("item", itemKey));
        using var reader = command.ExecuteReader();
        var calls = new Dictionary<string, InterruptedCall>(StringComparer.Ordinal);
        while (reader.Read())
            calls[reader.GetString(0)] = new InterruptedCall(reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3));
        return (IReadOnlyDictionary<string, InterruptedCall>)calls;
    });

    public void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error,
        Core.Running.RowAttention attention, string? position) =>
        // The item's outcome and the position after it commit together (one batch, one implicit transaction): the
        // position never passes an unrecorded row.
        Use(connection =>
        {
            var now = DateTimeOffset.UtcNow;
            var statements = new List<(string, (string, object?)[])>
            {
                ("""
                INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at) VALUES (@flow, @key, @item, @status, @run, @at)
                ON CONFLICT (flow, source_key, item_key) DO UPDATE SET status=excluded.status, run_id=excluded.run_id, updated_at=excluded.updated_at
                """, [("flow", flow), ("key", sourceKey), ("item", item.Key), ("status", status.ToString()), ("run", runId), ("at", now)]),
                ("""
                INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
                VALUES (@run, @number, @item, @status, @failed, @error, @fields, @key, @flow, @attention)
                ON CONFLICT (run_id, item_key) DO UPDATE SET status=excluded.status, failed_steps=excluded.failed_steps, error=excluded.error,
                  attention=excluded.attention
                """, [("run", runId), ("number", item.Number), ("item", item.Key), ("status", status.ToString()),
                    ("failed", failedSteps), ("error", SecretRedactor.Redact(error)), ("fields", JsonConvert.SerializeObject(item.Fields)),
                    ("key", sourceKey), ("flow", flow), ("attention", SecretRedactor.Redact(attention.Reason))]),
            };
            if (position is not null) statements.Add((UpsertPositionSql, [("flow", flow), ("key", sourceKey), ("position", position), ("at", now)]));
            Batch(connection, [.. statements]);
        });

    private static List<RecordedStep> StepsOf(NpgsqlConnection connection, string flow, string sourceKey, string itemKey)
    {
        using var command = Command(connection, """
            SELECT step_id, result, error, output, run_id, recorded_at FROM steps
            WHERE flow=@flow AND source_key=@key AND item_key=@item ORDER BY recorded_at, seq
            """, ("flow", flow), ("key", sourceKey), ("item", itemKey));
        using var reader = command.ExecuteReader();
        var steps = new List<RecordedStep>();
        while (reader.Read()) steps.Add(ReadStep(reader));
        return steps;
    }

    /// <summary>A step answer from columns step_id, result, error, output, run_id, recorded_at, in that order.</summary>
    private static RecordedStep ReadStep(NpgsqlDataReader reader) => new(reader.GetString(0), reader.GetInt32(1), reader.GetString(2),
        JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(3)) ?? new(),
        reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5));
}
