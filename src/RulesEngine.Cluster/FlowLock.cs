using Npgsql;

namespace RulesEngine.Cluster;

/// <summary>A PostgreSQL advisory lock on one flow's name, held by this node until disposed: serialises the nodes'
/// changes to a flow's clock trigger (a lock of the session, so a node that dies releases it with its connection).</summary>
internal sealed class FlowLock : IAsyncDisposable
{
    /// <summary>The first key of the two-key advisory lock: this program's, so other programs' locks never collide.</summary>
    private const int Space = 0x52454654; // "REFT"

    private readonly NpgsqlConnection _connection;

    private FlowLock(NpgsqlConnection connection) => _connection = connection;

    public static async Task<FlowLock> TakeAsync(string connectionString, string flow, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@space, hashtext(@flow))", connection);
            command.Parameters.AddWithValue("space", Space);
            command.Parameters.AddWithValue("flow", flow);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new FlowLock(connection);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection is gone: so is the lock.
        }
        await _connection.DisposeAsync();
    }
}
