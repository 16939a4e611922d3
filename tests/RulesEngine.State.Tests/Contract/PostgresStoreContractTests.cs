using Npgsql;
using RulesEngine.Core.State;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.State.Tests.Contract;

/// <summary>The store contract on a PostgreSQL database: a fresh database per test on the assembly's server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreContractTests(PostgresServer server) : StateStoreContract
{
    private string _database = "";

    protected override int LatestSchemaVersion => PostgresStateStore.SchemaVersion;

    protected override async Task CreateEmptyStateAsync() => _database = await server.CreateDatabaseAsync("contract");

    private protected override IStateStore OpenStore() => new PostgresStateStore(PostgresLocation.Parse(server.Url(_database)));

    protected override string OpenLocationWithoutMigrating() => PostgresLocation.Parse(server.Url(_database)).Display;

    protected override void WriteSchemaVersion(int version) =>
        Sql($"INSERT INTO schema_version(version, description, applied_at) VALUES ({version}, 'from a newer program', now())");

    protected override long ReadSchemaVersion() => Convert.ToInt64(Sql("SELECT MAX(version) FROM schema_version"));

    private object? Sql(string sql)
    {
        using var connection = new NpgsqlConnection(server.ConnectionString(_database));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return command.ExecuteScalar();
    }
}
