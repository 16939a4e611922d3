using Microsoft.Data.Sqlite;
using RulesEngine.Core.State;

namespace RulesEngine.State.Tests.Contract;

/// <summary>The store contract on a SQLite file.</summary>
public sealed class SqliteStoreContractTests : StateStoreContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rulesengine-contract-" + Guid.NewGuid().ToString("N")[..8]);
    private string StatePath => Path.Combine(_directory, "state", "rulesengine.db");

    protected override int LatestSchemaVersion => SqliteStateStore.SchemaVersion;

    protected override Task CreateEmptyStateAsync() => Task.CompletedTask; // the first open creates the file

    private protected override IStateStore OpenStore() => new SqliteStateStore(StatePath);

    protected override string OpenLocationWithoutMigrating() => Path.GetFullPath(StatePath);

    protected override void WriteSchemaVersion(int version) =>
        Sql($"INSERT INTO schema_version(version, description, applied_at) VALUES ({version}, 'from a newer program', '2030-01-01')");

    protected override long ReadSchemaVersion() => (long)Sql("SELECT MAX(version) FROM schema_version")!;

    [Fact]
    public void WritesMadeTogether_AreAllOrNone_OnAFile()
    {
        using var store = new SqliteStateStore(StatePath);
        var runId = store.BeginRun("contacts", DateTimeOffset.UnixEpoch);

        Assert.Throws<InvalidOperationException>(() => store.WriteTogether(() =>
        {
            store.MarkInFlight(runId, "contacts", "sheet", "row-2", "create", DateTimeOffset.UnixEpoch, "called");
            store.SetPosition("contacts", "sheet", "2");
            throw new InvalidOperationException("the process stops here");
        }));

        // One transaction: nothing of it was committed, and the store keeps working afterwards.
        using var reader = new SqliteStateStore(StatePath);
        Assert.Empty(reader.GetInFlight("contacts", "sheet", "row-2"));
        Assert.Null(reader.GetPosition("contacts", "sheet"));
        store.SetPosition("contacts", "sheet", "5");
        Assert.Equal("5", reader.GetPosition("contacts", "sheet"));
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
        catch (IOException) { } // a store still closing; the temp folder is left behind
    }
}
