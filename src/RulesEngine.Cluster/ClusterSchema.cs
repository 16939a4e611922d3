using System.Reflection;
using Npgsql;

namespace RulesEngine.Cluster;

/// <summary>
/// The cluster's tables (Quartz's job store, each node's flow file hashes), created and upgraded by our own numbered
/// migrations (<c>Schema/NNNN-*.sql</c>, embedded), never by hand and never by Quartz: Quartz only validates them.
/// The version is kept in <c>rulesengine_cluster_schema</c>. Nodes starting at once are serialised by an advisory
/// lock, so each migration runs once; a database whose version is newer than this program knows is refused.
/// </summary>
internal static class ClusterSchema
{
    /// <summary>Any 64-bit number no other program on the database uses for an advisory lock.</summary>
    private const long MigrationLock = 0x52554c45_434c5553; // "RULECLUS"

    private static readonly IReadOnlyList<(int Version, string Name, string Sql)> Migrations = Load();

    /// <summary>The version this program creates and expects.</summary>
    public static int Latest => Migrations[^1].Version;

    /// <summary>Brings the database to <see cref="Latest"/>; returns the versions applied (empty: already there).</summary>
    /// <exception cref="ClusterSchemaException">The database has a newer cluster schema than this program.</exception>
    public static async Task<IReadOnlyList<int>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS rulesengine_cluster_schema (version integer not null)", cancellationToken);
        var current = await CurrentVersionAsync(connection, transaction, cancellationToken);
        if (current > Latest)
            throw new ClusterSchemaException(
                $"the cluster tables in database '{connection.Database}' are at schema version {current}, newer than this program knows ({Latest}): " +
                "a newer rulesengine has upgraded them; upgrade rulesengine on this node too");
        var applied = new List<int>();
        foreach (var (version, _, sql) in Migrations.Where(m => m.Version > current))
        {
            foreach (var statement in Statements(sql))
                await ExecuteAsync(connection, transaction, statement, cancellationToken);
            applied.Add(version);
        }
        if (applied.Count > 0)
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM rulesengine_cluster_schema", cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO rulesengine_cluster_schema(version) VALUES ({Latest})", cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>The version recorded in the database (0: no cluster tables yet).</summary>
    public static async Task<int> VersionAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('rulesengine_cluster_schema') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not true) return 0;
        return await CurrentVersionAsync(connection, null, cancellationToken);
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT max(version) FROM rulesengine_cluster_schema", connection, transaction);
        return await read.ExecuteScalarAsync(cancellationToken) is int version ? version : 0;
    }

    /// <summary>A migration's statements: the text between lines that read exactly <c>--;;</c> (Quartz's own separator),
    /// leaving out pieces that hold only comments.</summary>
    internal static IEnumerable<string> Statements(string sql) =>
        sql.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n--;;\n")
            .Where(piece => piece.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<(int, string, string)> Load()
    {
        var assembly = typeof(ClusterSchema).Assembly;
        var migrations = new List<(int, string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Schema.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var version = int.Parse(name["Schema.".Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            migrations.Add((version, name, reader.ReadToEnd()));
        }
        // Numbers must run 1, 2, 3...: a gap or a duplicate is a packaging mistake, caught by the first test that loads them.
        for (var i = 0; i < migrations.Count; i++)
            if (migrations[i].Item1 != i + 1) throw new InvalidOperationException($"cluster migration {migrations[i].Item2} is out of sequence (expected number {i + 1})");
        return migrations;
    }
}
