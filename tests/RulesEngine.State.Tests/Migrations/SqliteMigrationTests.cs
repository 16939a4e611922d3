using Microsoft.Data.Sqlite;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.State.Tests.Migrations;

/// <summary>State files written by earlier versions open, are upgraded in place, and keep what they recorded.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rulesengine-migration-" + Guid.NewGuid().ToString("N")[..8]);
    private string StatePath => Path.Combine(_directory, "rulesengine.db");

    public SqliteMigrationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void AFileFromBeforeVersionsWereKeptIsUpgradedAndKeepsItsHistory()
    {
        Sql(OldStateSchema.Tables + """
            CREATE TABLE positions (flow TEXT NOT NULL, source_key TEXT NOT NULL, position TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (flow, source_key));
            INSERT INTO runs VALUES ('20261201-100000-aaaaaa', 'contacts', '2026-12-01T10:00:00.0000000+00:00', '2026-12-01T10:01:00.0000000+00:00', 'Completed', '');
            INSERT INTO items VALUES ('contacts', 'src', 'row-2', 'Done', '20261201-100000-aaaaaa', '2026-12-01T10:00:30Z');
            INSERT INTO run_items VALUES ('20261201-100000-aaaaaa', 2, 'row-2', 'Done', 1, '', '{"Email":"a@b.c"}', 'src', 'contacts');
            INSERT INTO steps VALUES ('contacts', 'src', 'row-2', 'update', 0, '404', '{}', '20261201-100000-aaaaaa', '2026-12-01T10:00:10Z');
            INSERT INTO positions VALUES ('contacts', 'src', 'row 2', '2026-12-01T10:00:30Z');
            """);

        using (var store = new SqliteStateStore(StatePath))
        {
            Assert.False(store.IsNew);
            Assert.Equal("row 2", store.GetPosition("contacts", "src"));
            Assert.True(store.IsItemRecorded("contacts", "src", "row-2"));
            var run = Assert.Single(store.ListRuns("contacts", 10));
            Assert.Equal("", run.Holder); // a column the old file lacked reads as "not known"
            var row = Assert.Single(store.ListRows(run.Id));
            Assert.Equal("404", Assert.Single(row.Steps).Error);
            // The old line was judged once, from its steps, by migration 2: an unhandled failed step needs a person.
            Assert.True(row.Attention.NeedsPerson);
        }

        Assert.Equal(SqliteStateStore.SchemaVersion, (long)Sql("SELECT MAX(version) FROM schema_version")!);
        Assert.NotNull(Sql("SELECT attention FROM run_items WHERE item_key='row-2'"));
        Assert.Equal(1L, Sql("PRAGMA user_version")); // older programs still see the file as judged
    }

    [Fact]
    public void AFileMarkedJudgedByThePreviousVersionIsVersionedWithoutBeingJudgedAgain()
    {
        // The previous program: current tables, user_version 1, no schema_version table; a NULL attention it left
        // must stay NULL (judged when read, as that program did), proving migration 2 did not scan the file again.
        using (var store = new SqliteStateStore(StatePath)) { }
        Sql("DROP TABLE schema_version; PRAGMA user_version=1;");
        Sql("""
            INSERT INTO runs(id, flow, started_at, status) VALUES ('r1', 'contacts', '2026-12-01T10:00:00Z', 'Completed');
            INSERT INTO run_items VALUES ('r1', 2, 'row-2', 'Done', 1, '', '{}', 'src', 'contacts', NULL);
            """);

        using (var store = new SqliteStateStore(StatePath)) Assert.False(store.IsNew);

        Assert.Equal(SqliteStateStore.SchemaVersion, (long)Sql("SELECT MAX(version) FROM schema_version")!);
        Assert.Equal(DBNull.Value, Sql("SELECT attention FROM run_items WHERE item_key='row-2'"));
    }

    [Fact]
    public void TwoStoresOpeningAnOldFileTogetherMigrateItOnce()
    {
        Sql(OldStateSchema.Tables);
        var stores = new SqliteStateStore[4];
        Parallel.For(0, stores.Length, i => stores[i] = new SqliteStateStore(StatePath));
        foreach (var store in stores) store.Dispose();

        Assert.Equal((long)SqliteStateStore.SchemaVersion, Sql("SELECT COUNT(*) FROM schema_version"));
    }

    private object? Sql(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StatePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
