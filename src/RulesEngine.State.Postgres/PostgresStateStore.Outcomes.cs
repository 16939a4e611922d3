using Newtonsoft.Json;
using Npgsql;
using RulesEngine.Core.Connections;
using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>
/// How a batch's items ended, fenced by the flow's lease: the write a run makes at each batch's end, and the one that
/// must not land once another run took the flow over (docs/cluster.md, "Lease ownership").
/// </summary>
internal sealed partial class PostgresStateStore
{
    /// <summary>
    /// One round trip, one implicit transaction: the first statement locks the flow's lease row (FOR SHARE: a
    /// takeover's UPDATE waits for this commit) and returns its owner; every write after it is conditioned on that
    /// owner being <paramref name="leaseOwner"/>, so either all of them write or none does. The lock lives only while
    /// the server executes the one message: a write held whole in a network cut holds no lock meanwhile (nothing of it
    /// reached the server), so it does not delay the takeover it is fenced against (a cut inside the message does,
    /// until the connection heals or drops: docs/cluster.md).
    /// </summary>
    public bool CompleteItemsUnderLease(string runId, string flow, string sourceKey, IReadOnlyList<ItemCompletion> items, string? passedOverPosition,
        string leaseOwner)
    {
        ArgumentNullException.ThrowIfNull(items);
        // Recorded in order, the later of two completions of one item wins, as one CompleteItem after another would
        // (one INSERT cannot update a row twice).
        var latest = items.Select((completion, index) => (completion, index)).GroupBy(c => c.completion.Item.Key, StringComparer.Ordinal)
            .Select(g => g.Last()).OrderBy(c => c.index).Select(c => c.completion).ToList();
        var position = passedOverPosition ?? items.LastOrDefault(c => c.Position is not null)?.Position;
        return Use(connection =>
        {
            var now = DateTimeOffset.UtcNow;
            (string Name, object? Value)[] fence = [("flow", flow), ("owner", leaseOwner)];
            var statements = new List<(string, (string, object?)[])>
            {
                ("SELECT owner FROM leases WHERE flow=@flow FOR SHARE", [("flow", flow)]),
            };
            if (latest.Count > 0)
            {
                statements.Add(($"""
                    INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at)
                    SELECT @flow, @key, item, status, @run, @at FROM unnest(@items::text[], @statuses::text[]) AS done(item, status)
                    WHERE {LeaseHeld}
                    ON CONFLICT (flow, source_key, item_key) DO UPDATE SET status=excluded.status, run_id=excluded.run_id, updated_at=excluded.updated_at
                    """, [.. fence, ("key", sourceKey), ("run", runId), ("at", now),
                        ("items", latest.Select(c => c.Item.Key).ToArray()), ("statuses", latest.Select(c => c.Status.ToString()).ToArray())]));
                statements.Add(($"""
                    INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
                    SELECT @run, number, item, status, failed, error, fields, @key, @flow, attention
                    FROM unnest(@numbers::integer[], @items::text[], @statuses::text[], @failed::integer[], @errors::text[], @fields::text[], @attentions::text[])
                      AS line(number, item, status, failed, error, fields, attention)
                    WHERE {LeaseHeld}
                    ON CONFLICT (run_id, item_key) DO UPDATE SET status=excluded.status, failed_steps=excluded.failed_steps, error=excluded.error,
                      attention=excluded.attention
                    """, [.. fence, ("key", sourceKey), ("run", runId),
                        ("numbers", latest.Select(c => c.Item.Number).ToArray()), ("items", latest.Select(c => c.Item.Key).ToArray()),
                        ("statuses", latest.Select(c => c.Status.ToString()).ToArray()), ("failed", latest.Select(c => c.FailedSteps).ToArray()),
                        ("errors", latest.Select(c => SecretRedactor.Redact(c.Error)).ToArray()),
                        ("fields", latest.Select(c => JsonConvert.SerializeObject(c.Item.Fields)).ToArray()),
                        ("attentions", latest.Select(c => SecretRedactor.Redact(c.Attention.Reason)).ToArray())]));
            }
            if (position is not null)
                statements.Add(($"""
                    INSERT INTO positions(flow, source_key, position, updated_at) SELECT @flow, @key, @position, @at WHERE {LeaseHeld}
                    ON CONFLICT (flow, source_key) DO UPDATE SET position=excluded.position, updated_at=excluded.updated_at
                    """, [.. fence, ("key", sourceKey), ("position", position), ("at", now)]));
            return BatchReadingFirst(connection, [.. statements]) as string == leaseOwner;
        });
    }

    // Read after the row lock of the batch's first statement: no other transaction can change it before the commit.
    private const string LeaseHeld = "EXISTS (SELECT 1 FROM leases WHERE flow=@flow AND owner=@owner)";

    /// <summary>Like <see cref="Batch"/> (one round trip, one implicit transaction), returning the first statement's
    /// first value (null when it found no row).</summary>
    private static object? BatchReadingFirst(NpgsqlConnection connection, params (string Sql, (string Name, object? Value)[] Parameters)[] statements)
    {
        using var batch = NewBatch(connection, statements);
        using var reader = batch.ExecuteReader();
        var first = reader.Read() ? reader.GetValue(0) : null;
        while (reader.NextResult())
        {
            // the writes: executing them is all there is to do; disposing the reader commits
        }
        return first;
    }
}
