using Npgsql;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.State.Tests.Postgres;

/// <summary>Nodes starting together on an empty database create the schema once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresServer server)
{
    [Fact]
    public async Task StoresOpeningAnEmptyDatabaseTogetherMigrateItOnce()
    {
        var database = await server.CreateDatabaseAsync("migrate");
        var location = PostgresLocation.Parse(server.Url(database));

        var stores = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => new PostgresStateStore(location))));
        foreach (var store in stores) store.Dispose();

        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT COUNT(*), MAX(version) FROM schema_version", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(PostgresStateStore.Migrations.Count, reader.GetInt64(0));
        Assert.Equal(PostgresStateStore.SchemaVersion, reader.GetInt32(1));
        Assert.Single(stores, s => s.IsNew);
    }
}
