namespace RulesEngine.State.Postgres;

/// <summary>Source positions, run leases and flow switches: small keyed rows, each change one statement.</summary>
internal sealed partial class PostgresStateStore
{
    public string? GetPosition(string flow, string sourceKey) =>
        Scalar("SELECT position FROM positions WHERE flow=@flow AND source_key=@key", ("flow", flow), ("key", sourceKey)) as string;

    public void SetPosition(string flow, string sourceKey, string position) =>
        Write(UpsertPositionSql, ("flow", flow), ("key", sourceKey), ("position", position), ("at", DateTimeOffset.UtcNow));

    private const string UpsertPositionSql = """
        INSERT INTO positions(flow, source_key, position, updated_at) VALUES (@flow, @key, @position, @at)
        ON CONFLICT (flow, source_key) DO UPDATE SET position=excluded.position, updated_at=excluded.updated_at
        """;

    public string? TryAcquireLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now) => Use(connection =>
    {
        // One statement decides: the row is taken when it is free, expired, or already ours. Two processes racing
        // on the same flow serialise on the row, so only one of them sees it free.
        while (true)
        {
            using (var take = Command(connection, """
                INSERT INTO leases(flow, owner, expires_at) VALUES (@flow, @owner, @expires)
                ON CONFLICT (flow) DO UPDATE SET owner=excluded.owner, expires_at=excluded.expires_at
                WHERE leases.owner=excluded.owner OR leases.expires_at <= @now
                RETURNING owner
                """, ("flow", flow), ("owner", owner), ("expires", now + ttl), ("now", now)))
                if (take.ExecuteScalar() is not null) return null;
            using var holder = Command(connection, "SELECT owner FROM leases WHERE flow=@flow", ("flow", flow));
            if (holder.ExecuteScalar() is string current) return current;
            // Released between the two statements: try again.
        }
    });

    public bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now, TimeSpan? unrenewedFor = null) => Use(connection =>
    {
        // One statement: the holder's renewal and this takeover serialise on the row. Also true when a retry finds
        // the lease already ours: the first attempt's commit was not acknowledged.
        var quiet = unrenewedFor is null ? "" : " AND expires_at <= @quietSince";
        using var command = Command(connection,
            $"UPDATE leases SET owner=@owner, expires_at=@expires WHERE flow=@flow AND (owner=@owner OR owner=@dead{quiet})",
            ("flow", flow), ("owner", owner), ("dead", deadHolder), ("expires", now + ttl), ("quietSince", now - (unrenewedFor ?? TimeSpan.Zero) + ttl));
        return command.ExecuteNonQuery() == 1;
    });

    public bool RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now) => Use(connection =>
    {
        using var command = Command(connection, "UPDATE leases SET expires_at=@expires WHERE flow=@flow AND owner=@owner",
            ("flow", flow), ("owner", owner), ("expires", now + ttl));
        return command.ExecuteNonQuery() == 1;
    });

    public void ReleaseLease(string flow, string owner) =>
        Write("DELETE FROM leases WHERE flow=@flow AND owner=@owner", ("flow", flow), ("owner", owner));

    public bool IsEnabled(string flow) =>
        Scalar("SELECT enabled FROM flow_switches WHERE flow=@flow", ("flow", flow)) is not false;

    public void SetEnabled(string flow, bool enabled, DateTimeOffset now) =>
        Write("""
            INSERT INTO flow_switches(flow, enabled, updated_at) VALUES (@flow, @enabled, @at)
            ON CONFLICT (flow) DO UPDATE SET enabled=excluded.enabled, updated_at=excluded.updated_at
            """, ("flow", flow), ("enabled", enabled), ("at", now));
}
