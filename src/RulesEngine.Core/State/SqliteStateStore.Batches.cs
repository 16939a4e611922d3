using Microsoft.Data.Sqlite;
using Newtonsoft.Json;
using RulesEngine.Core.Connections;

namespace RulesEngine.Core.State;

/// <summary>
/// The journal's grouped writes: a batch's answers to one step, and how a batch's items ended, each in one
/// transaction, or several such writes in one (<see cref="WriteTogether"/>). With <c>synchronous=FULL</c> every
/// commit is an fsync of the WAL, which costs far more than the rows it carries, so few commits per batch instead of
/// several per row is most of the journal's cost per row. Each statement is prepared once for the connection
/// (<see cref="Statement"/>) and rebound for every row.
/// </summary>
internal sealed partial class SqliteStateStore
{
    public void RecordSteps(string runId, string flow, string sourceKey, IReadOnlyList<ItemAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count == 0) return;
        // Each answer replaces its step's in-flight marker in the same transaction: there is never a moment when both
        // or neither say what happened to the call.
        InTransaction(transaction =>
        {
            var upsert = Statement(transaction, """
                INSERT INTO steps(flow, source_key, item_key, step_id, result, error, output, run_id, recorded_at)
                VALUES ($flow, $key, $item, $step, $result, $error, $output, $run, $at)
                ON CONFLICT(flow, source_key, item_key, step_id) DO UPDATE SET
                  result=excluded.result, error=excluded.error, output=excluded.output, run_id=excluded.run_id, recorded_at=excluded.recorded_at
                """, ("$flow", flow), ("$key", sourceKey), ("$run", runId), ("$item", ""), ("$step", ""), ("$result", 0), ("$error", ""),
                ("$output", ""), ("$at", ""));
            var clear = Statement(transaction, "DELETE FROM in_flight WHERE flow=$flow AND source_key=$key AND item_key=$item AND step_id=$step",
                ("$flow", flow), ("$key", sourceKey), ("$item", ""), ("$step", ""));
            foreach (var (itemKey, step, mayReplaceMarker) in answers)
            {
                Bind(upsert, ("$item", itemKey), ("$step", step.StepId), ("$result", step.Result), ("$error", SecretRedactor.Redact(step.Error)),
                    ("$output", JsonConvert.SerializeObject(step.Output)), ("$at", step.RecordedAt.ToString("O")));
                upsert.ExecuteNonQuery();
                if (!mayReplaceMarker) continue; // most answers: an If's decision, an update call that needs no marker
                Bind(clear, ("$item", itemKey), ("$step", step.StepId));
                clear.ExecuteNonQuery();
            }
        });
    }

    public void CompleteItems(string runId, string flow, string sourceKey, IReadOnlyList<ItemCompletion> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) return;
        InTransaction(transaction =>
        {
            var now = Now();
            var item = Statement(transaction, """
                INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at) VALUES ($flow, $key, $item, $status, $run, $at)
                ON CONFLICT(flow, source_key, item_key) DO UPDATE SET status=excluded.status, run_id=excluded.run_id, updated_at=excluded.updated_at
                """, ("$flow", flow), ("$key", sourceKey), ("$run", runId), ("$at", now), ("$item", ""), ("$status", ""));
            var line = Statement(transaction, """
                INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
                VALUES ($run, $number, $item, $status, $failed, $error, $fields, $key, $flow, $attention)
                ON CONFLICT(run_id, item_key) DO UPDATE SET status=excluded.status, failed_steps=excluded.failed_steps, error=excluded.error,
                  attention=excluded.attention
                """, ("$run", runId), ("$key", sourceKey), ("$flow", flow), ("$number", 0), ("$item", ""), ("$status", ""), ("$failed", 0),
                ("$error", ""), ("$fields", ""), ("$attention", ""));
            string? position = null;
            foreach (var completion in items)
            {
                var status = completion.Status.ToString();
                Bind(item, ("$item", completion.Item.Key), ("$status", status));
                item.ExecuteNonQuery();
                Bind(line, ("$number", completion.Item.Number), ("$item", completion.Item.Key), ("$status", status), ("$failed", completion.FailedSteps),
                    ("$error", SecretRedactor.Redact(completion.Error)), ("$fields", JsonConvert.SerializeObject(completion.Item.Fields)),
                    ("$attention", SecretRedactor.Redact(completion.Attention.Reason)));
                line.ExecuteNonQuery();
                position = completion.Position ?? position;
            }
            // Positions only move forward through a batch, so the last one given is where the source now stands.
            if (position is not null)
                Run(transaction, UpsertPosition, ("$flow", flow), ("$key", sourceKey), ("$position", position), ("$at", now));
        });
    }

    public void WriteTogether(Action writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        Together(() =>
        {
            writes();
            return true;
        });
    }

    public bool CompleteItemsUnderLease(string runId, string flow, string sourceKey, IReadOnlyList<ItemCompletion> items, string? passedOverPosition,
        string leaseOwner)
    {
        ArgumentNullException.ThrowIfNull(items);
        // The transaction holds SQLite's write lock from its start (BEGIN IMMEDIATE), so no takeover can commit between
        // reading the owner and committing the outcomes. The read is one indexed row in a transaction the write needed
        // anyway: no extra commit, no extra fsync for a single-node user.
        return Together(() =>
        {
            if (Scalar("SELECT owner FROM leases WHERE flow=$flow", ("$flow", flow)) as string != leaseOwner) return false;
            CompleteItems(runId, flow, sourceKey, items);
            if (passedOverPosition is not null) SetPosition(flow, sourceKey, passedOverPosition);
            return true;
        });
    }

    /// <summary>Runs <paramref name="writes"/> in one transaction that every write method joins, committed when they
    /// return true and rolled back when they return false or throw. Inside an enclosing one, they simply join it.</summary>
    private bool Together(Func<bool> writes)
    {
        lock (_gate)
        {
            if (_transaction is not null) return writes(); // already inside one
            using var transaction = _db.BeginTransaction(deferred: false);
            _transaction = transaction; // every write method joins it instead of committing its own
            try
            {
                if (!writes()) return false; // disposed uncommitted: rolled back
                transaction.Commit();
                return true;
            }
            finally
            {
                _transaction = null;
            }
        }
    }

    /// <summary>Runs <paramref name="writes"/> in the transaction of an enclosing <see cref="WriteTogether"/>, or in a
    /// transaction of its own, committed.</summary>
    private void InTransaction(Action<SqliteTransaction> writes)
    {
        lock (_gate)
        {
            if (_transaction is { } enclosing)
            {
                writes(enclosing);
                return;
            }
            using var transaction = _db.BeginTransaction();
            writes(transaction);
            transaction.Commit();
        }
    }

    private static void Bind(SqliteCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values) command.Parameters[name].Value = value;
    }
}
