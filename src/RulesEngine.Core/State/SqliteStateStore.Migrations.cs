using Microsoft.Data.Sqlite;

namespace RulesEngine.Core.State;

/// <summary>
/// The file's schema, as numbered migrations recorded in <c>schema_version</c>: opening a file applies the ones it
/// lacks, each in its own transaction with its version row, and refuses a file written by a newer program.
/// A change to the schema is a new migration at the end of <see cref="Migrations"/>, never an edit of an old one.
/// </summary>
internal sealed partial class SqliteStateStore
{
    /// <summary>The transaction every command joins while one is open (a migration, an export, an import).</summary>
    private SqliteTransaction? _transaction;

    private static readonly StateMigration<SqliteStateStore>[] Migrations =
    [
        // Idempotent (IF NOT EXISTS, columns added when missing), so it also adopts files written before versions
        // were kept, whatever tables and columns they already had.
        new(1, "runs, positions, items, steps, leases, switches, history lines, in-flight markers", store => store.CreateBaseline()),
        new(2, "judge the history lines recorded before their attention was kept", store => store.JudgeOldRowsOnce()),
        new(3, "indexes for the web console's paged reads (open rows, lines by number, run counts)", store => store.Execute(ConsoleIndexes)),
    ];

    /// <summary>The newest schema this program writes.</summary>
    public static int SchemaVersion => Migrations[^1].Version;

    private void Migrate()
    {
        // Most opens find the file current: a read, no write lock.
        if (ReadSchemaVersion() == SchemaVersion) return;
        lock (_gate)
        {
            foreach (var migration in Migrations)
            {
                // BEGIN IMMEDIATE takes the write lock first: two processes opening an old file migrate it once.
                using var transaction = _db.BeginTransaction(deferred: false);
                _transaction = transaction;
                try
                {
                    Execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);");
                    var current = ReadSchemaVersion();
                    StateSchemaException.ThrowIfNewer(Path, current, SchemaVersion);
                    if (current >= migration.Version) continue;
                    migration.Apply(this);
                    using (var record = Command("INSERT INTO schema_version(version, description, applied_at) VALUES ($version, $description, $at)",
                        ("$version", migration.Version), ("$description", migration.Description), ("$at", Now())))
                        record.ExecuteNonQuery();
                    transaction.Commit();
                }
                finally
                {
                    _transaction = null;
                }
            }
        }
    }

    /// <summary>0 when the file has no version table (new, or written before versions were kept).</summary>
    private long ReadSchemaVersion()
    {
        using var exists = Command("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'");
        if (exists.ExecuteScalar() is null) return 0;
        using var version = Command("SELECT COALESCE(MAX(version), 0) FROM schema_version");
        var current = (long)version.ExecuteScalar()!;
        StateSchemaException.ThrowIfNewer(Path, current, SchemaVersion);
        return current;
    }

    private void CreateBaseline()
    {
        Execute("""
            CREATE TABLE IF NOT EXISTS runs (
              id TEXT PRIMARY KEY, flow TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
              status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '');
            CREATE INDEX IF NOT EXISTS runs_by_flow ON runs(flow, started_at);
            CREATE TABLE IF NOT EXISTS positions (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, position TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key));
            CREATE TABLE IF NOT EXISTS items (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
              run_id TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key));
            CREATE TABLE IF NOT EXISTS steps (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, step_id TEXT NOT NULL,
              result INTEGER NOT NULL, error TEXT NOT NULL, output TEXT NOT NULL, run_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            CREATE TABLE IF NOT EXISTS leases (
              flow TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS flow_switches (
              flow TEXT PRIMARY KEY, enabled INTEGER NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS run_items (
              run_id TEXT NOT NULL, number INTEGER NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
              failed_steps INTEGER NOT NULL, error TEXT NOT NULL, fields TEXT NOT NULL, source_key TEXT NOT NULL, flow TEXT NOT NULL,
              PRIMARY KEY (run_id, item_key));
            CREATE TABLE IF NOT EXISTS in_flight (
              flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, step_id TEXT NOT NULL,
              run_id TEXT NOT NULL, started_at TEXT NOT NULL, reason TEXT NOT NULL,
              PRIMARY KEY (flow, source_key, item_key, step_id));
            """);
        // Added after the first files were written; those read as "not known" (an empty holder, a NULL attention).
        AddColumn("runs", "holder", "TEXT NOT NULL DEFAULT ''");
        AddColumn("run_items", "attention", "TEXT");
        Execute("CREATE INDEX IF NOT EXISTS steps_by_run ON steps(run_id);");
    }

    /// <summary>Before versions were kept, <c>user_version</c> 1 marked a file whose old rows were judged; a file so
    /// marked is not scanned again. (A line an older program writes afterwards is still judged when read.)</summary>
    private void JudgeOldRowsOnce()
    {
        if (Scalar("PRAGMA user_version") is long judged && judged >= 1) return;
        JudgeOldRows();
        Execute("PRAGMA user_version=1;");
    }
}
