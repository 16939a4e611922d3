using RulesEngine.Core.State;
using RulesEngine.State.Postgres;

namespace RulesEngine.Cli;

/// <summary>
/// The one place a <c>--state</c> value (or $RULESENGINE_STATE) becomes a store: a <c>postgres://</c> URL or an Npgsql
/// <c>Host=...</c> string opens the PostgreSQL store, anything else is a SQLite file path (docs/state.md).
/// </summary>
internal static class StateStores
{
    /// <summary>Opens (creating or upgrading its schema when needed) the state <paramref name="state"/> names.</summary>
    /// <exception cref="UsageException">A PostgreSQL value that does not parse.</exception>
    /// <exception cref="StateUnavailableException">The database cannot be reached or opened.</exception>
    public static IStateStore Open(string state) =>
        PostgresLocation.IsPostgres(state) ? new PostgresStateStore(Postgres(state)) : new SqliteStateStore(state);

    /// <summary>Whether the state holds anything yet, without creating it: a SQLite file exists, a database has our
    /// schema. Verbs that must not start from an empty state ask this first.</summary>
    public static bool Exists(string state) =>
        PostgresLocation.IsPostgres(state) ? PostgresStateProbe.HoldsState(Postgres(state)) : File.Exists(state);

    /// <summary>The state as messages name it: the full file path, or <c>postgres://user@host:port/db</c> (no password).</summary>
    public static string Describe(string state) =>
        PostgresLocation.IsPostgres(state) ? Postgres(state).Display : Path.GetFullPath(state);

    /// <summary>The connection string of a PostgreSQL state (where a cluster may keep its triggers), null for a SQLite file.</summary>
    public static string? ClusterDatabase(string state) => PostgresLocation.IsPostgres(state) ? Postgres(state).ConnectionString : null;

    /// <summary>"state file" or "state database", for messages.</summary>
    public static string Noun(string state) => PostgresLocation.IsPostgres(state) ? "state database" : "state file";

    private static PostgresLocation Postgres(string state)
    {
        try
        {
            return PostgresLocation.Parse(state);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
