using System.Diagnostics;
using System.Globalization;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Benchmarks;

/// <summary>
/// What the journal costs per row on each store: the store calls the runner makes for one row of the canonical flow
/// on its middle path (update failed, create succeeded), in batches of 10 as FlowRunner does: the reads before a
/// batch, the history lines of the batch, an in-flight marker before each call and the answer after it, each If's
/// result, and the row's outcome with the position. No service is called: only the journal is timed.
/// SQLite: a temp file (WAL, synchronous=FULL). PostgreSQL: a throwaway local server with fsync on (or
/// $RULESENGINE_BENCH_POSTGRES), reached through a counting proxy, so round trips are measured on the wire.
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- journal 2000</c>
/// </summary>
internal static class JournalCost
{
    private const string Flow = "contacts";
    private const string Source = "sheets:1bench:Contacts";
    private const int BatchSize = 10;

    public static int Measure(int rows)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-journal-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var sqlite = new SqliteStateStore(Path.Combine(directory, "state.db")))
                Report("sqlite", rows, Time(sqlite, rows), roundTrips: null);

            var external = Environment.GetEnvironmentVariable("RULESENGINE_BENCH_POSTGRES");
            var server = external is null ? PostgresServer.StartNewAsync(durable: true).GetAwaiter().GetResult() : null;
            var location = PostgresLocation.Parse(external ?? server!.Url(server.CreateDatabaseAsync("bench").GetAwaiter().GetResult()));
            var proxy = new RoundTripCounter(location.Host, location.Port);
            try
            {
                var throughProxy = PostgresLocation.Parse(
                    new Npgsql.NpgsqlConnectionStringBuilder(location.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString);
                using var postgres = new PostgresStateStore(throughProxy);
                Time(postgres, Math.Min(rows, 50)); // warm: the pool's connection, prepared plans
                var before = proxy.RoundTrips;
                var timing = Time(postgres, rows);
                Report("postgres", rows, timing, (proxy.RoundTrips - before) / (double)rows);
            }
            finally
            {
                proxy.DisposeAsync().AsTask().GetAwaiter().GetResult();
                server?.DisposeAsync().GetAwaiter().GetResult(); // stops the server and deletes its folder
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Timing(TimeSpan Elapsed, int Calls);

    private static Timing Time(IStateStore store, int rows)
    {
        var calls = 0;
        var clock = Stopwatch.StartNew();
        var runId = store.BeginRun(Flow, DateTimeOffset.UtcNow, "bench");
        var prefix = Guid.NewGuid().ToString("N")[..6];
        for (var first = 0; first < rows; first += BatchSize)
        {
            var batch = Enumerable.Range(first, Math.Min(BatchSize, rows - first))
                .Select(i => new SourceItem($"{prefix}-{i}", i + 2, new Dictionary<string, string> { ["Email"] = $"user{i}@example.com", ["Name"] = $"User {i}" }, $"row {i + 2}"))
                .ToList();
            foreach (var item in batch)
            {
                store.IsItemRecorded(Flow, Source, item.Key);
                store.GetRecordedSteps(Flow, Source, item.Key);
                store.GetInFlight(Flow, Source, item.Key);
                calls += 3;
            }
            store.StartItems(runId, Flow, Source, batch);
            calls++;
            foreach (var item in batch)
            {
                var now = DateTimeOffset.UtcNow;
                store.MarkInFlight(runId, Flow, Source, item.Key, "update", now, "sending");
                store.RecordStep(runId, Flow, Source, item.Key, new RecordedStep("update", 0, "404 not found", new Dictionary<string, string>(), runId, now));
                store.RecordStep(runId, Flow, Source, item.Key, new RecordedStep("ifUpdateFailed", 1, "", new Dictionary<string, string>(), runId, now));
                store.MarkInFlight(runId, Flow, Source, item.Key, "create", now, "sending");
                store.RecordStep(runId, Flow, Source, item.Key, new RecordedStep("create", 1, "", new Dictionary<string, string> { ["id"] = "42" }, runId, now));
                store.RecordStep(runId, Flow, Source, item.Key, new RecordedStep("ifCreateFailed", 0, "", new Dictionary<string, string>(), runId, now));
                calls += 6;
            }
            store.RenewLease(Flow, "bench", TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow);
            calls++;
            foreach (var item in batch)
            {
                store.CompleteItem(runId, Flow, Source, item, RowStatus.Done, 1, "", RowAttention.None, item.PositionAfter);
                calls++;
            }
        }
        store.FinishRun(runId, RunStatus.Completed, "", DateTimeOffset.UtcNow);
        return new Timing(clock.Elapsed, calls);
    }

    private static void Report(string store, int rows, Timing timing, double? roundTrips) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"store\": \"{store}\", \"rows\": {rows}, \"msPerRow\": {timing.Elapsed.TotalMilliseconds / rows:F3}, \"rowsPerSecond\": {rows / timing.Elapsed.TotalSeconds:F0}, " +
            $"\"storeCallsPerRow\": {timing.Calls / (double)rows:F1}, \"roundTripsPerRow\": {(roundTrips is { } r ? r.ToString("F1", CultureInfo.InvariantCulture) : "null")}}}"));
}
