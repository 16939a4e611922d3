using Npgsql;
using RulesEngine.Cluster;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>The cluster's tables come from our numbered migrations (Quartz's DDL included), applied once, upgraded in
/// order, and a newer schema than the program knows is refused.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSchemaTests(PostgresServer postgres)
{
    [Fact]
    public async Task Migrate_CreatesQuartzsTablesAndOurs_Once()
    {
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("schema"));
        Assert.Equal(0, await ClusterSchema.VersionAsync(database));

        Assert.Equal(Enumerable.Range(1, ClusterSchema.Latest), await ClusterSchema.MigrateAsync(database));
        Assert.Equal(ClusterSchema.Latest, await ClusterSchema.VersionAsync(database));
        foreach (var table in new[] { "qrtz_job_details", "qrtz_triggers", "qrtz_simple_triggers", "qrtz_fired_triggers", "qrtz_scheduler_state", "qrtz_locks", "rulesengine_flow_files" })
            Assert.True(await ExistsAsync(database, table), $"{table} was not created");
        Assert.Empty(await ClusterSchema.MigrateAsync(database)); // already there: nothing applied again
    }

    [Fact]
    public async Task NodesStartingTogether_MigrateOnce_WithoutErrors()
    {
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("together"));
        var applied = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => ClusterSchema.MigrateAsync(database))));
        Assert.Single(applied, a => a.Count > 0);
        Assert.Equal(2, applied.Count(a => a.Count == 0));
        Assert.Equal(1L, await ScalarAsync(database, "SELECT count(*) FROM rulesengine_cluster_schema"));
    }

    [Fact]
    public async Task ANewerSchema_IsRefused_NamingBothVersions()
    {
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("newer"));
        await ClusterSchema.MigrateAsync(database);
        await ScalarAsync(database, "UPDATE rulesengine_cluster_schema SET version = 99");

        var refused = await Assert.ThrowsAsync<ClusterSchemaException>(() => ClusterSchema.MigrateAsync(database));
        Assert.Contains("schema version 99, newer than this program knows (" + ClusterSchema.Latest + ")", refused.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade rulesengine", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // starts serve as a process
    public async Task Serve_OnADatabaseWithANewerClusterSchema_RefusesToStart_WithExitCode2()
    {
        await using var cluster = await ClusterDeployment.StartAsync(postgres, "serverefuses");
        var database = new Npgsql.NpgsqlConnectionStringBuilder { Host = postgres.Host, Port = postgres.Port, Username = postgres.UserName, Password = postgres.Password, Database = new Uri(cluster.StateUrl).AbsolutePath.Trim('/') }.ConnectionString;
        await ClusterSchema.MigrateAsync(database);
        await ScalarAsync(database, "UPDATE rulesengine_cluster_schema SET version = 99");

        var (code, lines) = await DaemonProcess.RunAsync(DaemonBed.Patience, "serve", "--rules", cluster.Rules(1), "--connections",
            cluster.Services.ConnectionsPath, "--state", cluster.StateUrl, "--create-state");
        Assert.True(code == 2, $"exit code {code}:\n{string.Join("\n", lines)}");
        Assert.Contains(lines, l => l.Contains("schema version 99", StringComparison.Ordinal) && l.Contains("upgrade rulesengine", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(postgres.Password, StringComparison.Ordinal));
    }

    [Fact]
    public void MigrationOne_IsQuartzsPostgresDdl_StatementByStatement()
    {
        // The statements of migration 1 are exactly the ones Quartz 4.7.3 ships for PostgreSQL (its prefix filled in).
        var quartz = typeof(Quartz.IScheduler).Assembly;
        using var stream = quartz.GetManifestResourceStream("Quartz.Impl.AdoJobStore.Schema.create_postgres.sql")!;
        var shipped = new StreamReader(stream).ReadToEnd().Replace("{0}", "qrtz_", StringComparison.Ordinal).Replace("{1}", "qrtz_", StringComparison.Ordinal);
        var ours = typeof(ClusterSchema).Assembly;
        using var migration = ours.GetManifestResourceStream("Schema.0001-quartz-4.7.3-tables.sql")!;
        Assert.Equal(Sql(shipped), Sql(new StreamReader(migration).ReadToEnd()));
    }

    private static List<string> Sql(string script) =>
        [.. ClusterSchema.Statements(script).Select(s => string.Join("\n", s.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())];

    private static async Task<bool> ExistsAsync(string database, string table) =>
        await ScalarAsync(database, $"SELECT to_regclass('{table}') IS NOT NULL") is true;

    private static async Task<object?> ScalarAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
