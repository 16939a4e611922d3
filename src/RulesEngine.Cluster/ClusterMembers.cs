using Microsoft.Extensions.Logging;
using Npgsql;
using RulesEngine.Core.Running;

namespace RulesEngine.Cluster;

/// <summary>
/// Which nodes are alive, from Quartz's check-ins (<c>qrtz_scheduler_state</c>): the same rule by which Quartz
/// recovers a dead node's firings, so the run that recovery starts on another node can also take over the dead
/// node's flow lease within seconds (once its holder stopped trusting it, see <c>RunLease</c>) instead of waiting up
/// to <see cref="FlowRunner.LeaseDuration"/> for it to expire.
/// </summary>
internal sealed class ClusterMembers(ClusterOptions cluster, TimeProvider clock, ILogger logger) : IClusterMembers
{
    public string NodeId => cluster.NodeId;

    /// <summary>
    /// Gone when the node's last check-in is older than its own check-in interval plus the misfire threshold (the
    /// point where Quartz recovers its firings), or when it has no check-in row at all: Quartz deletes the row of a
    /// node it recovered (and a node stopping cleanly deletes its own, after releasing its leases), while a node
    /// checks in before it fires anything, so a node that holds a lease always had one. A database that cannot
    /// be read says nothing: the node counts as alive.
    /// </summary>
    public async Task<bool> HasLeftAsync(string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(cluster.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT last_checkin_time, checkin_interval FROM qrtz_scheduler_state WHERE sched_name = @scheduler AND instance_name = @node", connection);
            command.Parameters.AddWithValue("scheduler", ClusterOptions.SchedulerName);
            command.Parameters.AddWithValue("node", nodeId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return Left(nodeId, "it has no check-in (the cluster recovered it)");
            // Quartz.NET stores instants as UTC ticks and durations as milliseconds (StdAdoDelegate).
            var lastCheckin = new DateTimeOffset(reader.GetInt64(0), TimeSpan.Zero);
            var deadline = lastCheckin + TimeSpan.FromMilliseconds(reader.GetInt64(1)) + cluster.CheckinMisfireThreshold;
            return clock.GetUtcNow() > deadline && Left(nodeId, $"its last check-in was at {lastCheckin:yyyy-MM-dd HH:mm:ss.fff'Z'}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not read whether node {Node} is alive ({Error}); its flow lease is left to expire", nodeId, e.Message);
            return false;
        }
    }

    private bool Left(string nodeId, string why)
    {
        logger.LogWarning("Node {Node} stopped checking in ({Why}): a run here takes over its flow lease and resumes its interrupted rows", nodeId, why);
        return true;
    }
}
