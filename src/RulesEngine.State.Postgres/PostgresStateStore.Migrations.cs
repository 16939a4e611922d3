using Npgsql;
using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>
/// The database's schema, as numbered migrations recorded in <c>schema_version</c>. Opening the store applies the
/// ones the database lacks, each in one transaction with its version row (PostgreSQL's DDL is transactional), under
/// an advisory lock so that nodes starting together migrate once; a database written by a newer program is refused.
/// A change to the schema is a new entry at the end of <see cref="Migrations"/>, never an edit of an old one
/// (other tables that live in the same database, such as a scheduler's, are added the same way).
/// </summary>
internal sealed partial class PostgresStateStore
{
    /// <summary>Any fixed number: the key of the advisory lock that serialises migrations across processes.</summary>
    private const long MigrationLockKey = 0x52_75_6C_65_73_45_6E;

    public static readonly IReadOnlyList<StateMigration<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)>> Migrations =
    [
        new(1, "runs, positions, items, steps, leases, switches, history lines, in-flight markers", db => Execute(db, """
            CREATE TABLE runs (
              id text PRIMARY KEY, flow text NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz,
              status text NOT NULL, error text NOT NULL DEFAULT '', holder text NOT NULL DEFAULT '');
            CREATE INDEX runs_by_flow ON runs(flow, started_at);
            CREATE TABLE positions (
              flow text NOT NULL, source_key text NOT NULL, position text NOT NULL, updated_at timestamptz NOT NULL,
              PRIMARY KEY (flow, source_key));
            CREATE TABLE items (
              flow text NOT NULL, source_key text NOT NULL, item_key text NOT NULL, status text NOT NULL,
              run_id text NOT NULL, updated_at timestamptz NOT NULL,
              PRIMARY KEY (flow, source_key, item_key));
            CREATE TABLE steps (
              seq bigint GENERATED ALWAYS AS IDENTITY,
              flow text NOT NULL, source_key text NOT NULL, item_key text NOT NULL, step_id text NOT NULL,
              result integer NOT NULL, error text NOT NULL, output text NOT NULL, run_id text NOT NULL, recorded_at timestamptz NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            CREATE INDEX steps_by_run ON steps(run_id);
            CREATE TABLE leases (flow text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL);
            CREATE TABLE flow_switches (flow text PRIMARY KEY, enabled boolean NOT NULL, updated_at timestamptz NOT NULL);
            CREATE TABLE run_items (
              run_id text NOT NULL, number integer NOT NULL, item_key text NOT NULL, status text NOT NULL,
              failed_steps integer NOT NULL, error text NOT NULL, fields text NOT NULL, source_key text NOT NULL, flow text NOT NULL,
              attention text,
              PRIMARY KEY (run_id, item_key));
            CREATE INDEX run_items_by_flow_number ON run_items(flow, number);
            CREATE TABLE in_flight (
              flow text NOT NULL, source_key text NOT NULL, item_key text NOT NULL, step_id text NOT NULL,
              run_id text NOT NULL, started_at timestamptz NOT NULL, reason text NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            """)),
        // The web console's paged reads: a run's lines by number, and the lines that may need a person by flow
        // (a small partial index: most lines are done).
        new(2, "indexes for the web console's paged reads (open rows, lines by number)", db => Execute(db, $"""
            CREATE INDEX run_items_by_run_number ON run_items(run_id, number);
            CREATE INDEX run_items_open ON run_items(flow, number) WHERE {MayNeedPerson};
            """)),
    ];

    /// <summary>The newest schema this program writes.</summary>
    public static int SchemaVersion => Migrations[^1].Version;

    /// <summary>Brings the schema up to date; true when this store created it (the database held no state before;
    /// of several processes starting together on an empty database, exactly one).</summary>
    private bool Migrate()
    {
        using var connection = _source.OpenConnection();
        var found = ReadVersion(connection, null);
        StateSchemaException.ThrowIfNewer(Location, found, SchemaVersion);
        if (found == SchemaVersion) return false;
        var created = false;
        foreach (var migration in Migrations)
        {
            using var transaction = connection.BeginTransaction();
            Run(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("key", MigrationLockKey));
            Run(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL)");
            var current = ReadVersion(connection, transaction);
            StateSchemaException.ThrowIfNewer(Location, current, SchemaVersion);
            if (current >= migration.Version) continue; // another process applied it while we waited for the lock
            migration.Apply((connection, transaction));
            Run(connection, transaction, "INSERT INTO schema_version(version, description, applied_at) VALUES (@version, @description, @at)",
                ("version", migration.Version), ("description", migration.Description), ("at", DateTimeOffset.UtcNow));
            transaction.Commit();
            created |= current == 0;
        }
        return created;
    }

    /// <summary>0 when the database has no version table (no state yet).</summary>
    private static long ReadVersion(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using (var exists = Command(connection, transaction, "SELECT to_regclass('schema_version') IS NOT NULL"))
            if (exists.ExecuteScalar() is not true) return 0;
        using var version = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt64(version.ExecuteScalar());
    }

    private static void Execute((NpgsqlConnection Connection, NpgsqlTransaction Transaction) db, string sql) =>
        Run(db.Connection, db.Transaction, sql);
}
