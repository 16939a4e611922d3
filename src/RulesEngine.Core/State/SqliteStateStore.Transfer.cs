using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RulesEngine.Core.State;

/// <summary>Whole-state export and import (<c>state copy</c>): SQLite keeps times as ISO 8601 text and flags as 0/1.</summary>
internal sealed partial class SqliteStateStore
{
    private const int TransferBatch = 1000;

    public IReadOnlyDictionary<string, long> CountRows() =>
        StateTable.All.ToDictionary(t => t.Name, t => (long)Scalar($"SELECT COUNT(*) FROM {t.Name}")!);

    public void Export(Action<StateTable, IReadOnlyList<object?[]>> batch)
    {
        lock (_gate)
        {
            // One read transaction: every table comes from the same snapshot, even while a run writes.
            using var transaction = _db.BeginTransaction(deferred: true);
            _transaction = transaction;
            try
            {
                foreach (var table in StateTable.All)
                {
                    using var command = Command($"SELECT {string.Join(", ", table.Columns.Select(c => c.Name))} FROM {table.Name} ORDER BY {table.Order}, rowid");
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
            }
            finally
            {
                _transaction = null;
            }
        }
    }

    public IStateImport BeginImport()
    {
        Monitor.Enter(_gate); // held until the import ends: no other call may join its transaction
        try
        {
            _transaction = _db.BeginTransaction();
            return new Import(this);
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    private static object? ReadValue(SqliteDataReader reader, int ordinal, StateColumn column) =>
        reader.IsDBNull(ordinal) ? null : column.Kind switch
        {
            StateColumnKind.Text => reader.GetString(ordinal),
            StateColumnKind.Integer => reader.GetInt64(ordinal),
            StateColumnKind.Time => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture),
            StateColumnKind.Flag => reader.GetInt64(ordinal) != 0,
            _ => throw new ArgumentOutOfRangeException(nameof(column)),
        };

    private static object WriteValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToString("O"),
        bool flag => flag ? 1L : 0L,
        _ => value,
    };

    private sealed class Import(SqliteStateStore store) : IStateImport
    {
        private bool _ended;

        public void Write(StateTable table, IReadOnlyList<object?[]> rows)
        {
            using var command = store.Command(table.UpsertSql(i => $"$p{i}"));
            for (var i = 0; i < table.Columns.Count; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++) command.Parameters[i].Value = WriteValue(row[i]);
                command.ExecuteNonQuery();
            }
        }

        public void Commit()
        {
            store._transaction!.Commit();
            End();
        }

        public void Dispose() => End();

        private void End()
        {
            if (_ended) return;
            _ended = true;
            store._transaction?.Dispose(); // rolls back what was not committed
            store._transaction = null;
            Monitor.Exit(store._gate);
        }
    }
}
