using Npgsql;
using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>Looks at a database without changing it, for verbs that must not create a state (status, history, serve).</summary>
internal static class PostgresStateProbe
{
    /// <summary>True when the database holds a state (its schema version table exists).</summary>
    /// <exception cref="StateUnavailableException">The database cannot be reached or opened.</exception>
    public static bool HoldsState(PostgresLocation location)
    {
        try
        {
            using var connection = new NpgsqlConnection(location.ConnectionString);
            connection.Open();
            using var command = new NpgsqlCommand("SELECT to_regclass('schema_version') IS NOT NULL", connection);
            return command.ExecuteScalar() is true;
        }
        catch (NpgsqlException e)
        {
            throw PostgresStateStore.Unavailable(location, e);
        }
    }
}
