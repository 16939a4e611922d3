using System.Data;
using Npgsql;
using RulesEngine.Core.State;

namespace RulesEngine.State.Postgres;

/// <summary>Whole-state export and import (<c>state copy</c>).</summary>
internal sealed partial class PostgresStateStore
{
    private const int TransferBatch = 1000;

    public IReadOnlyDictionary<string, long> CountRows() =>
        StateTable.All.ToDictionary(t => t.Name, t => Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM {t.Name}")));

    public void Export(Action<StateTable, IReadOnlyList<object?[]>> batch)
    {
        using var connection = _source.OpenConnection();
        // Repeatable read: every table from one snapshot, even while nodes keep writing.
        using var transaction = connection.BeginTransaction(IsolationLevel.RepeatableRead);
        foreach (var table in StateTable.All)
        {
            var order = table.Name == "steps" ? table.Order + ", seq" : table.Order; // seq: the order steps were first recorded
            using var command = Command(connection, transaction, $"SELECT {string.Join(", ", table.Columns.Select(c => c.Name))} FROM {table.Name} ORDER BY {order}");
            using var reader = command.ExecuteReader();
            var rows = new List<object?[]>(TransferBatch);
            while (reader.Read())
            {
                rows.Add([.. table.Columns.Select((column, i) => ReadValue(reader, i, column))]);
                if (rows.Count < TransferBatch) continue;
                batch(table, rows);
                rows = new List<object?[]>(TransferBatch);
            }
            if (rows.Count > 0) batch(table, rows);
        }
        transaction.Commit();
    }

    public IStateImport BeginImport()
    {
        var connection = _source.OpenConnection();
        try
        {
            return new Import(connection, connection.BeginTransaction());
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static object? ReadValue(NpgsqlDataReader reader, int ordinal, StateColumn column) =>
        reader.IsDBNull(ordinal) ? null : column.Kind switch
        {
            StateColumnKind.Text => reader.GetString(ordinal),
            StateColumnKind.Integer => Convert.ToInt64(reader.GetValue(ordinal)),
            StateColumnKind.Time => reader.GetFieldValue<DateTimeOffset>(ordinal),
            StateColumnKind.Flag => reader.GetBoolean(ordinal),
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };

    private static object WriteValue(object? value, StateColumn column) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToUniversalTime(),
        long number when column.Kind == StateColumnKind.Integer => checked((int)number), // integer columns
        _ => value,
    };

    /// <summary>Rows go in batches of statements (one round trip per batch), all in one transaction.</summary>
    private sealed class Import(NpgsqlConnection connection, NpgsqlTransaction transaction) : IStateImport
    {
        public void Write(StateTable table, IReadOnlyList<object?[]> rows)
        {
            var sql = table.UpsertSql(i => $"${i + 1}");
            using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var row in rows)
            {
                var command = new NpgsqlBatchCommand(sql);
                for (var i = 0; i < row.Length; i++) command.Parameters.Add(new NpgsqlParameter { Value = WriteValue(row[i], table.Columns[i]) });
                batch.BatchCommands.Add(command);
            }
            batch.ExecuteNonQuery();
        }

        public void Commit() => transaction.Commit();

        public void Dispose()
        {
            transaction.Dispose(); // rolls back what was not committed
            connection.Dispose();
        }
    }
}
