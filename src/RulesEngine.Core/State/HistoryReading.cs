using System.Data.Common;
using Newtonsoft.Json;

namespace RulesEngine.Core.State;

/// <summary>
/// The history's queries and how their answers become <see cref="RunRecord"/>s and <see cref="RowRecord"/>s, shared
/// by every store: the SQL is plain enough for SQLite and PostgreSQL alike, and one reading keeps what a run's counts
/// and a row's attention mean the same in both. Only how a time is read differs (text in SQLite, timestamptz in
/// PostgreSQL), so each store passes its own.
/// </summary>
internal static class HistoryReading
{
    /// <summary>A history line's columns; queries add the item's latest status, its latest run and the flow.</summary>
    public const string RowColumns = "r.run_id, r.number, r.item_key, r.status, r.failed_steps, r.error, r.fields, r.source_key, r.attention";

    public const string RunQuery = """
        SELECT r.id, r.flow, r.started_at, r.finished_at, r.status, r.error,
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Done'),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND (i.failed_steps > 0 OR i.status='Error')),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Held'),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Skipped'),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id
             AND (i.status IN ('Held','Error') OR i.attention <> '' OR (i.attention IS NULL AND i.failed_steps > 0))),
          (SELECT COUNT(*) FROM run_items i WHERE i.run_id=r.id AND i.status='Started'),
          CASE WHEN r.status IN ('Running','Interrupted') THEN
            (SELECT COUNT(DISTINCT s.item_key) FROM steps s WHERE s.run_id=r.id
               AND NOT EXISTS (SELECT 1 FROM run_items i WHERE i.run_id=r.id AND i.item_key=s.item_key))
          ELSE 0 END,
          r.holder
        FROM runs r
        """;

    /// <summary>Reads runs selected as <see cref="RunQuery"/> (or the same columns).</summary>
    /// <param name="readTime">Reads the time in a column.</param>
    public static List<RunRecord> ReadRuns(DbCommand command, Func<DbDataReader, int, DateTimeOffset> readTime)
    {
        using var reader = command.ExecuteReader();
        var runs = new List<RunRecord>();
        while (reader.Read())
        {
            var status = Enum.Parse<RunStatus>(reader.GetString(4));
            var error = reader.GetString(5);
            var holder = reader.GetString(14);
            // A run whose process is gone will never finish: say so now, not only once the next run notices.
            if (status == RunStatus.Running && holder.Length > 0 && Running.LeaseHolder.IsGone(holder))
            {
                status = RunStatus.Interrupted;
                if (error.Length == 0) error = $"interrupted: its process ({Running.LeaseHolder.Describe(holder)}) ended before the run finished";
            }
            int Count(int column) => checked((int)reader.GetInt64(column));
            var stepsOnly = Count(13); // items an interrupted run recorded steps for, without a line of their own
            runs.Add(new RunRecord(reader.GetString(0), reader.GetString(1), readTime(reader, 2),
                reader.IsDBNull(3) ? null : readTime(reader, 3), status,
                Count(6) + stepsOnly, Count(7), Count(8), Count(9), Count(10), error)
            {
                NeedsPerson = Count(11),
                Unfinished = Count(12) + stepsOnly,
                Holder = holder,
            });
        }
        return runs;
    }

    /// <summary>Reads rows selected as <see cref="RowColumns"/>, then the item's latest status and run, then the flow;
    /// with each row's steps (read after the answer is closed: one connection cannot read two answers at once) and its
    /// attention (judged from the steps when it was not recorded).</summary>
    /// <param name="stepsOf">The recorded steps of an item: flow, source key, item key.</param>
    public static List<RowRecord> ReadRows(DbCommand command, Func<string, string, string, IReadOnlyList<RecordedStep>> stepsOf)
    {
        var rows = new List<(string Flow, string? Attention, RowRecord Row)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var fields = JsonConvert.DeserializeObject<Dictionary<string, string>>(reader.GetString(6)) ?? new();
                var status = Enum.Parse<RowStatus>(reader.GetString(3));
                var runId = reader.GetString(0);
                rows.Add((reader.GetString(11), reader.IsDBNull(8) ? null : reader.GetString(8), new RowRecord(runId, reader.GetInt32(1), reader.GetString(2),
                    status, reader.GetInt32(4), reader.GetString(5), fields, [], reader.GetString(7),
                    reader.IsDBNull(9) ? status : Enum.Parse<RowStatus>(reader.GetString(9)), reader.IsDBNull(10) ? runId : reader.GetString(10))));
            }
        }
        return [.. rows.Select(r =>
        {
            var steps = stepsOf(r.Flow, r.Row.SourceKey, r.Row.Key);
            var attention = r.Attention is { } recorded ? new Running.RowAttention(recorded) : Running.RowAttention.For(r.Row.Status, r.Row.Error, steps);
            return r.Row with { Steps = steps, Attention = attention };
        })];
    }
}
