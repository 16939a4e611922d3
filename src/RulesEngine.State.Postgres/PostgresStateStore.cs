using Npgsql;
using RulesEngine.Core.Connections;
using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>
/// <see cref="IStateStore"/> on a PostgreSQL database, for several machines sharing one state. Every call is its own
/// transaction on a pooled connection and returns once PostgreSQL has committed it (synchronous_commit as the server
/// sets it: on by default, so the commit is flushed to its WAL). Connections that break mid-call (the server
/// restarted, a network blip) are retried for <see cref="RetryWindow"/>: every write is idempotent (upserts; a run
/// id is written once), so a retry after a commit whose answer was lost changes nothing.
/// </summary>
internal sealed partial class PostgresStateStore : IStateStore, IStateTransfer
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeSpan _retryWindow;

    /// <param name="retryWindow">How long a call keeps retrying a transient failure before it throws (default
    /// <see cref="RetryWindow"/>); opening the store never retries, so a wrong --state fails at once.</param>
    public PostgresStateStore(PostgresLocation location, TimeSpan? retryWindow = null)
    {
        Location = location.Display;
        _retryWindow = retryWindow ?? RetryWindow;
        _source = NpgsqlDataSource.Create(location.ConnectionString);
        try
        {
            IsNew = Migrate();
        }
        catch (NpgsqlException e)
        {
            _source.Dispose();
            throw Unavailable(location, e);
        }
        catch
        {
            _source.Dispose();
            throw;
        }
    }

    /// <summary>Long enough for a database server to restart (a fast shutdown and start take seconds).</summary>
    public static readonly TimeSpan RetryWindow = TimeSpan.FromSeconds(60);

    public string Location { get; }

    public bool IsNew { get; }

    public void Dispose() => _source.Dispose();

    internal static StateUnavailableException Unavailable(PostgresLocation location, NpgsqlException e)
    {
        var why = e is PostgresException server ? $"{server.SqlState}: {server.MessageText}" : e.InnerException?.Message ?? e.Message;
        var fix = e is PostgresException { SqlState: "28P01" or "28000" }
            ? "check the user name and password in --state or $RULESENGINE_STATE"
            : e is PostgresException { SqlState: "3D000" }
                ? $"create it first (createdb {location.Database}) or fix the database name in --state"
                : $"check that PostgreSQL runs on {location.Host}:{location.Port} and accepts connections from here, or fix --state / $RULESENGINE_STATE";
        return new StateUnavailableException(
            SecretRedactor.Redact($"cannot open the state database {location.Display}: {why}; {fix}"), e);
    }

    /// <summary>Runs <paramref name="work"/> on an open connection, retrying the whole unit on a transient failure.</summary>
    private T Use<T>(Func<NpgsqlConnection, T> work)
    {
        var deadline = DateTime.UtcNow + _retryWindow;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                using var connection = _source.OpenConnection();
                return work(connection);
            }
            catch (NpgsqlException e) when (IsTransient(e) && DateTime.UtcNow + delay < deadline)
            {
                // The server may be restarting: wait and take a fresh connection (the pool drops broken ones).
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private void Use(Action<NpgsqlConnection> work) => Use(connection => { work(connection); return 0; });

    /// <summary>One transaction: all of <paramref name="work"/> is committed, or none of it.</summary>
    private T InTransaction<T>(Func<NpgsqlConnection, NpgsqlTransaction, T> work) => Use(connection =>
    {
        using var transaction = connection.BeginTransaction();
        var result = work(connection, transaction);
        transaction.Commit();
        return result;
    });

    private void InTransaction(Action<NpgsqlConnection, NpgsqlTransaction> work) =>
        InTransaction((connection, transaction) => { work(connection, transaction); return 0; });

    /// <summary>Several statements in one round trip and one implicit transaction: PostgreSQL commits them together
    /// or none of them, without the two extra round trips of BEGIN and COMMIT.</summary>
    private static void Batch(NpgsqlConnection connection, params (string Sql, (string Name, object? Value)[] Parameters)[] statements)
    {
        using var batch = NewBatch(connection, statements);
        batch.ExecuteNonQuery();
    }

    private static NpgsqlBatch NewBatch(NpgsqlConnection connection, (string Sql, (string Name, object? Value)[] Parameters)[] statements)
    {
        var batch = new NpgsqlBatch(connection);
        foreach (var (sql, parameters) in statements)
        {
            using var command = Command(connection, sql, parameters); // binds names and values as every other call does
            var statement = new NpgsqlBatchCommand(command.CommandText);
            foreach (NpgsqlParameter parameter in command.Parameters) statement.Parameters.Add(parameter.Clone());
            batch.BatchCommands.Add(statement);
        }
        return batch;
    }

    private static bool IsTransient(NpgsqlException e) =>
        e.IsTransient
        || e is PostgresException { SqlState: var state } && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P0", StringComparison.Ordinal));

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Command(connection, null, sql, parameters);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value switch
            {
                null => DBNull.Value,
                DateTimeOffset time => time.ToUniversalTime(), // timestamptz takes UTC only
                _ => value,
            });
        return command;
    }

    private static int Run(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, params (string Name, object? Value)[] parameters) => Use(connection =>
    {
        using var command = Command(connection, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    });

    private void Write(string sql, params (string Name, object? Value)[] parameters) =>
        Use(connection => Run(connection, null, sql, parameters));
}
