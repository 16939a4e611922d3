namespace RulesEngine.Cluster;

/// <summary>How a <c>serve</c> node takes part in the cluster on the state's PostgreSQL database.</summary>
internal sealed class ClusterOptions
{
    /// <summary>An Npgsql connection string to the database that holds the state and Quartz's tables.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>This node's id in the cluster (Quartz's instance id), unique among the nodes; default
    /// <c>host-pid-random</c>, which says in logs and tables which machine and process it is.</summary>
    public string NodeId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How often a node writes that it is alive. Default 5 s.</summary>
    public TimeSpan CheckinInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long past a missed check-in the other nodes wait before treating a node as dead and taking over its
    /// flows. Default 10 s: with the check-in, a dead node's flows move within about 15-20 s (the 30 s promise leaves
    /// room for a loaded machine).</summary>
    public TimeSpan CheckinMisfireThreshold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How late a scheduled run may start and still count as on time for a flow whose <c>missedRuns</c> is
    /// <c>skip</c>: a failover delay is not a missed run, a cluster that was down for longer is. Default 1 minute.</summary>
    public TimeSpan MissedRunTolerance { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Quartz's scheduler name, the same on every node of one cluster.</summary>
    public const string SchedulerName = "rulesengine";
}
