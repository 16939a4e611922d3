using Npgsql;

namespace RulesEngine.Cluster;

/// <summary>
/// Each flow's next clock time as the cluster stored it: the earliest waiting one-shot trigger of the flow's job in
/// Quartz's <c>qrtz_triggers</c> (<see cref="FlowJobKeys"/>). In a cluster that trigger, not a time computed from the
/// history, is what fires: it already reflects a trigger edit a node loaded, a misfire, or a chain.
/// </summary>
public static class StoredNextRuns
{
    /// <summary>Null when the database holds no cluster (no Quartz tables: no <c>serve</c> has run on it); otherwise
    /// the flows that have a waiting clock trigger, with its time.</summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>?> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('qrtz_triggers') IS NOT NULL", connection))
            if (await probe.ExecuteScalarAsync(cancellationToken) is not true) return null;
        // Quartz.NET stores instants as UTC ticks. A trigger Quartz has fired and not yet deleted has no next time.
        await using var command = new NpgsqlCommand("""
            SELECT job_name, MIN(next_fire_time) FROM qrtz_triggers
            WHERE sched_name = @scheduler AND job_group = @jobs AND trigger_group = @clock AND next_fire_time IS NOT NULL
              AND trigger_state IN ('WAITING', 'ACQUIRED', 'BLOCKED', 'PAUSED', 'PAUSED_BLOCKED')
            GROUP BY job_name
            """, connection);
        command.Parameters.AddWithValue("scheduler", ClusterOptions.SchedulerName);
        command.Parameters.AddWithValue("jobs", FlowJobKeys.JobGroup);
        command.Parameters.AddWithValue("clock", FlowJobKeys.ClockGroup);
        var next = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            next[reader.GetString(0)] = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
        return next;
    }
}
