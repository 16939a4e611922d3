using RulesEngine.Core.Tests.Support;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RulesEngine.Core.State;
using Xunit.Abstractions;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// A state file written before rows carried their judgement is judged once when first opened: every canonical new
/// contact (update failed, create ok) must come out as handled, however many there are. RULESENGINE_OLD_ROWS sets
/// the number of rows (default 2,000); the time of the first and of a second open is printed, for the docs.
/// </summary>
[Trait("Category", "Slow")] // a scale run over a large state file (CONTRIBUTING.md)
public sealed class OldStateFileScaleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");

    public void Dispose() => SqliteConnection.ClearAllPools();

    [Fact]
    public void OldRows_AreJudgedOnceFromTheirSteps_AsHandled()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("RULESENGINE_OLD_ROWS"), out var n) && n > 0 ? n : 2_000;
        WriteOldFile(count);

        var first = Stopwatch.StartNew();
        using (var store = new SqliteStateStore(_path))
        {
            first.Stop();
            var run = Assert.Single(store.ListRuns("contacts", 10));
            Assert.Equal((count, count, 0), (run.Rows, run.Failed, run.NeedsPerson));
        }
        var second = Stopwatch.StartNew();
        using (var store = new SqliteStateStore(_path))
        {
            second.Stop();
            var open = Stopwatch.StartNew();
            Assert.Empty(store.ListOpenRows("contacts"));
            output.WriteLine($"{count} old rows: first open (judging them) {first.Elapsed.TotalSeconds:0.00} s, second open {second.Elapsed.TotalMilliseconds:0} ms, " +
                $"history --failed query {open.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    private void WriteOldFile(int count)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        using var db = new SqliteConnection($"Data Source={_path};Pooling=false");
        db.Open();
        using (var schema = db.CreateCommand())
        {
            schema.CommandText = OldStateSchema.Tables + """
                INSERT INTO runs VALUES ('r1', 'contacts', '2026-11-01T09:00:00.0000000+00:00', '2026-11-01T10:00:00.0000000+00:00', 'Completed', '');
                """;
            schema.ExecuteNonQuery();
        }
        using var transaction = db.BeginTransaction();
        using var insert = db.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO items VALUES ('contacts', 'sheet', $key, 'Done', 'r1', '2026-11-01T09:00:01Z');
            INSERT INTO run_items VALUES ('r1', $number, $key, 'Done', 1, '', $fields, 'sheet', 'contacts');
            INSERT INTO steps VALUES ('contacts', 'sheet', $key, 'update', 0, 'no contact', '{}', 'r1', '2026-11-01T09:00:00.1Z');
            INSERT INTO steps VALUES ('contacts', 'sheet', $key, 'ifUpdateFailed', 1, '', '{"explanation":"update.Failed = true"}', 'r1', '2026-11-01T09:00:00.2Z');
            INSERT INTO steps VALUES ('contacts', 'sheet', $key, 'create', 1, '', '{"contactId":"1"}', 'r1', '2026-11-01T09:00:00.3Z');
            INSERT INTO steps VALUES ('contacts', 'sheet', $key, 'ifCreateFailed', 0, '', '{"explanation":"create.Failed = false"}', 'r1', '2026-11-01T09:00:00.4Z');
            """;
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var number = insert.Parameters.Add("$number", SqliteType.Integer);
        var fields = insert.Parameters.Add("$fields", SqliteType.Text);
        for (var i = 0; i < count; i++)
        {
            key.Value = $"key{i}";
            number.Value = i + 2;
            fields.Value = $$"""{"Email":"new{{i}}@example.com","Name":"Person {{i}}"}""";
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }
}
