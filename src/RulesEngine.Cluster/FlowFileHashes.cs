using Microsoft.Extensions.Logging;
using Npgsql;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cluster;

/// <summary>
/// Each node's copy of each flow file, by its SHA-256 (<c>rulesengine_flow_files</c>), so that nodes running different
/// versions of a flow (a deploy that reached some nodes only, a hand edit on one machine) say so in their logs instead
/// of scheduling it two ways. Only live nodes (checked in to Quartz) are compared.
/// </summary>
internal sealed class FlowFileHashes(string connectionString, string nodeId)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public async Task RecordAsync(LoadedFlow version, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO rulesengine_flow_files(flow, node, file, hash, seen_at) VALUES (@flow, @node, @file, @hash, now())
            ON CONFLICT (flow, node) DO UPDATE SET file = excluded.file, hash = excluded.hash, seen_at = excluded.seen_at
            """, connection);
        command.Parameters.AddWithValue("flow", version.Name);
        command.Parameters.AddWithValue("node", nodeId);
        command.Parameters.AddWithValue("file", version.FilePath);
        command.Parameters.AddWithValue("hash", version.Hash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ForgetAsync(string flow, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("DELETE FROM rulesengine_flow_files WHERE flow = @flow AND node = @node", connection);
        command.Parameters.AddWithValue("flow", flow);
        command.Parameters.AddWithValue("node", nodeId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Logs, once per difference, each live node whose copy of a flow this node runs differs from this node's.</summary>
    public async Task ReportDifferencesAsync(IReadOnlyDictionary<string, LoadedFlow> mine, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var (flow, node, hash) in await OthersAsync(cancellationToken))
        {
            if (!mine.TryGetValue(flow, out var own) || own.Hash == hash) continue;
            if (!_reported.Add($"{flow}\n{node}\n{hash}\n{own.Hash}")) continue;
            logger.LogWarning(
                "Flow {Flow} differs between nodes: this node ({Node}) runs {File} with SHA-256 {Hash}, node {Other} runs a copy with SHA-256 {OtherHash}; " +
                "either may run it, so deploy the same rules to every node (e.g. git pull on each)",
                flow, nodeId, own.FilePath, own.Hash[..12], node, hash[..Math.Min(12, hash.Length)]);
        }
    }

    /// <summary>The copies of live nodes other than this one: (flow, node, hash).</summary>
    public async Task<IReadOnlyList<(string Flow, string Node, string Hash)>> OthersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT f.flow, f.node, f.hash FROM rulesengine_flow_files f
            JOIN qrtz_scheduler_state s ON s.sched_name = @scheduler AND s.instance_name = f.node
            WHERE f.node <> @node ORDER BY f.flow, f.node
            """, connection);
        command.Parameters.AddWithValue("scheduler", ClusterOptions.SchedulerName);
        command.Parameters.AddWithValue("node", nodeId);
        var rows = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return rows;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
