using Npgsql;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.State.Tests;

/// <summary>The test server itself: it starts, hands out isolated databases, and survives a restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task EachCreatedDatabaseIsEmptyAndSeparate()
    {
        var first = await server.CreateDatabaseAsync(nameof(EachCreatedDatabaseIsEmptyAndSeparate));
        var second = await server.CreateDatabaseAsync(nameof(EachCreatedDatabaseIsEmptyAndSeparate));
        Assert.NotEqual(first, second);

        await using (var connection = new NpgsqlConnection(server.ConnectionString(first)))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE marker (id int)", connection).ExecuteNonQueryAsync();
        }
        await using (var connection = new NpgsqlConnection(server.ConnectionString(second)))
        {
            await connection.OpenAsync();
            var tables = await new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'marker'", connection).ExecuteScalarAsync();
            Assert.Equal(0L, tables);
        }
    }

    [Fact]
    public async Task TheUrlFormReachesTheSameDatabaseWithTheRealPassword()
    {
        var database = await server.CreateDatabaseAsync("url");
        var uri = new Uri(server.Url(database));
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port, Database = uri.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Password = Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]),
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();

        var wrongPassword = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Password = "wrong" };
        await using var refused = new NpgsqlConnection(wrongPassword.ConnectionString);
        await Assert.ThrowsAsync<PostgresException>(() => refused.OpenAsync());
    }

    [Fact]
    public void MissingBinariesAreNamedWithTheInstallCommand()
    {
        var empty = Directory.CreateTempSubdirectory("rulesengine-no-pg-");
        try
        {
            File.WriteAllText(Path.Combine(empty.FullName, "initdb"), ""); // pg_ctl is missing: not enough

            var missing = Assert.Throws<InvalidOperationException>(() => PostgresServer.FindBinaries([empty.FullName]));

            Assert.Contains("initdb and pg_ctl were not found", missing.Message);
            Assert.Contains("apt-get install -y postgresql", missing.Message);
            Assert.Contains("RULESENGINE_PG_BIN", missing.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DataSurvivesARestart()
    {
        var database = await server.CreateDatabaseAsync("restart");
        await using (var connection = new NpgsqlConnection(server.ConnectionString(database)))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)", connection).ExecuteNonQueryAsync();
        }

        await server.RestartAsync();

        await using (var connection = new NpgsqlConnection(server.ConnectionString(database)))
        {
            await connection.OpenAsync();
            Assert.Equal(7, await new NpgsqlCommand("SELECT id FROM kept", connection).ExecuteScalarAsync());
        }
    }
}
