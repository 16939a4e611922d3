using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Sdk;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>serve-memory N</c>: what one run of the daemon's executor (<see cref="LeasedRunExecutor"/>, as <c>serve</c> runs a
/// flow) keeps alive as it goes through N rows, in this process: the canonical shape (update; if it failed, create; if
/// that failed, alert) over in-memory rows and receivers (every 10th row is new, every 20th fails both ways), the state
/// on disk. Prints the live managed heap (after a full collection) before the run with the rows built, its highest value
/// sampled during the run, and after the run with its result still held: what grows with N is what the run keeps per
/// row. The rows themselves are held by the source from start to end, the same in every build. Not a test.
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- serve-memory 100000</c>
/// </summary>
internal static class ServeRunMemory
{
    private const int SampleEveryRows = 5_000;

    public static int Measure(int rows)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-serve-memory-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var source = new MemoryRows(rows);
            var peak = 0L;
            var seen = 0;
            var flow = LoadFlow(directory, source, batch =>
            {
                // Sampled at the update step, the first call of each batch: the batches before it are committed.
                var before = seen / SampleEveryRows;
                seen += batch;
                if (seen / SampleEveryRows != before) peak = Math.Max(peak, LiveHeap());
            });
            var baseline = LiveHeap();
            using var store = new SqliteStateStore(Path.Combine(directory, "state.db"));
            var clock = Stopwatch.StartNew();
            var result = new LeasedRunExecutor(store, TimeProvider.System, NullLogger.Instance)
                .RunAsync(flow, CancellationToken.None, CancellationToken.None).GetAwaiter().GetResult();
            var seconds = clock.Elapsed.TotalSeconds;
            var after = LiveHeap();
            var report = result.Report ?? throw new InvalidOperationException($"the run did not finish: {result.Error}");
            if (report.Rows != rows) throw new InvalidOperationException($"the run processed {report.Rows} rows, not {rows}: {report.Error}");
            Console.WriteLine(FormattableString.Invariant(
                $"{{\"rows\": {rows}, \"seconds\": {seconds:F1}, \"liveHeapMBBefore\": {Mb(baseline):F1}, \"liveHeapMBPeakDuring\": {Mb(Math.Max(peak, after)):F1}, \"liveHeapMBAfterWithResult\": {Mb(after):F1}, \"keptPerRowBytes\": {(after - baseline) / (double)rows:F0}, \"reportItems\": {report.Items.Count}, \"needsPerson\": {report.NeedsPerson}}}"));
            GC.KeepAlive(result);
            GC.KeepAlive(source);
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { /* a scratch folder */ }
        }
    }

    private static long LiveHeap() => GC.GetTotalMemory(forceFullCollection: true);

    private static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static Flow LoadFlow(string directory, MemoryRows source, Action<int> updateCalled)
    {
        var registry = new ConnectorRegistry();
        registry.AddSource(new StepSpec("memory.rows", "rows built in memory", [new FieldSpec("rows", FieldKind.Number, "unused")]), _ => source);
        registry.AddReceiver(new StepSpec("memory.call", "answers at once", [new FieldSpec("text", FieldKind.Template, "a template", Required: false)]),
            config =>
            {
                config.Template("text");
                return new Answering(config.Id, config.Id == "update" ? updateCalled : null);
            });
        var path = Path.Combine(directory, "contacts.json");
        File.WriteAllText(path, """
            {
              "name": "contacts",
              "source": { "type": "memory.rows" },
              "batchSize": 10,
              "steps": [
                { "id": "update", "type": "memory.call", "text": "{Email} {Name} {Phone} {Company} {Locale}" },
                { "id": "ifUpdateFailed", "type": "if", "condition": "update.Failed",
                  "then": [ { "id": "create", "type": "memory.call", "text": "{Email} {Name}" } ] },
                { "id": "ifCreateFailed", "type": "if", "condition": "create.Failed",
                  "then": [ { "id": "alert", "type": "memory.call", "text": "Could not create {Email}: {create.Error}" } ] }
              ]
            }
            """);
        var set = new FlowLoader(registry, ConnectionsFile.Empty(registry)) { CollectibleCode = false }.Load([path]);
        if (!set.Succeeded) throw new InvalidOperationException(string.Join("\n", set.Diagnostics));
        return set.Flows.Single();
    }

    /// <summary>Rows 2..N+1 with the canonical sheet's columns, built before the run.</summary>
    private sealed class MemoryRows(int count) : ISource
    {
        private readonly IReadOnlyList<SourceItem> _items = [.. Enumerable.Range(0, count).Select(Row)];

        public string PositionKey => "memory";
        public IReadOnlyList<string>? DeclaredFields => ["Email", "Name", "Phone", "Company", "Locale"];

        public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) => Task.FromResult(new SourceRead(_items));

        public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult(count.ToString(CultureInfo.InvariantCulture));

        public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(_items[0]);

        private static SourceItem Row(int index)
        {
            var email = $"person{index}@example.com";
            return new SourceItem(email, index + 2, new Dictionary<string, string>
            {
                ["Email"] = email, ["Name"] = $"Person {index}", ["Phone"] = $"+3361234{index:0000}", ["Company"] = "Initech", ["Locale"] = "en",
            }, (index + 1).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>update fails for every 10th row (no contact: created), create for every 20th (alerted).</summary>
    private sealed class Answering(string step, Action<int>? called) : IReceiver
    {
        public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            called?.Invoke(items.Count);
            return Task.FromResult<IReadOnlyList<StepOutcome>>([.. items.Select(Answer)]);
        }

        private StepOutcome Answer(ItemScope item)
        {
            var index = int.Parse(item.Row["Email"]["person".Length..item.Row["Email"].IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            return step switch
            {
                "update" when index % 10 == 0 => StepOutcome.Failure($"no HelpCrunch contact with email = {item.Row["Email"]}"),
                "create" when index % 20 == 0 => StepOutcome.Failure("HelpCrunch 400: locale 'xx' is not an ISO 639-1 language code"),
                _ => StepOutcome.Success(new Dictionary<string, string> { ["contactId"] = (500_000 + index).ToString(CultureInfo.InvariantCulture) }),
            };
        }

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }
}
