namespace RulesEngine.Core.Tests.Support;

/// <summary>The tables a state file written before run holders, row attention and started rows had, so tests can
/// check that the current store still reads (and upgrades) such a file.</summary>
internal static class OldStateSchema
{
    public const string Tables = """
                CREATE TABLE runs (id TEXT PRIMARY KEY, flow TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,
                  status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '');
                CREATE TABLE items (flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
                  run_id TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (flow, source_key, item_key));
                CREATE TABLE steps (flow TEXT NOT NULL, source_key TEXT NOT NULL, item_key TEXT NOT NULL, step_id TEXT NOT NULL,
                  result INTEGER NOT NULL, error TEXT NOT NULL, output TEXT NOT NULL, run_id TEXT NOT NULL, recorded_at TEXT NOT NULL,
                  PRIMARY KEY (flow, source_key, item_key, step_id));
                CREATE TABLE run_items (run_id TEXT NOT NULL, number INTEGER NOT NULL, item_key TEXT NOT NULL, status TEXT NOT NULL,
                  failed_steps INTEGER NOT NULL, error TEXT NOT NULL, fields TEXT NOT NULL, source_key TEXT NOT NULL, flow TEXT NOT NULL,
                  PRIMARY KEY (run_id, item_key));
                """;
}
