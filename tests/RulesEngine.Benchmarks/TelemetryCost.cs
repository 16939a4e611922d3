using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RulesEngine.Connectors.GoogleSheets;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Benchmarks;

/// <summary>
/// What the engine's metrics and traces cost a run of the canonical flow: rows/s, CPU per row and allocations per row
/// with telemetry off (no listener: the instruments are disabled) and on (what serve registers: a MeterProvider on the
/// engine's Meter, a TracerProvider on its ActivitySource with the HTTP client spans, every span taken by an exporter
/// that drops it, so recording is measured and export is not), in alternating rounds in one process
/// after a warm-up round. Each round runs <c>rows</c> new rows (a third update a contact, a third create one, a third
/// fail both and send a Telegram alert) against fresh emulators with pacing off. The emulators run in this process,
/// so CPU and allocations include their side: the difference between the modes is the figure to read. Not a test.
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- telemetry-cost 1000 5</c>
/// </summary>
internal static class TelemetryCost
{
    private const string SpreadsheetId = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";

    public static int Measure(int rows, int rounds)
    {
        var flowPath = Path.Combine(RepoRoot(), "rules", "helpcrunch-contacts.json");
        Round(flowPath, rows, on: false); // warm-up: JIT, Roslyn, SQLite
        Round(flowPath, rows, on: true);
        var results = new List<(bool On, Figures Figures)>();
        for (var round = 0; round < rounds; round++)
        {
            // Alternate which mode goes first, so a drift in the machine's load does not favour one.
            foreach (var on in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var figures = Round(flowPath, rows, on);
                results.Add((on, figures));
                Console.WriteLine(FormattableString.Invariant(
                    $"{{\"round\": {round}, \"telemetry\": \"{(on ? "on" : "off")}\", \"rows\": {rows}, \"seconds\": {figures.Seconds:F2}, \"rowsPerSecond\": {rows / figures.Seconds:F0}, \"cpuMsPerRow\": {figures.CpuMs / rows:F3}, \"allocatedKBPerRow\": {figures.AllocatedBytes / 1024.0 / rows:F1}}}"));
            }
        }
        foreach (var on in new[] { false, true })
        {
            var mine = results.Where(r => r.On == on).Select(r => r.Figures).ToList();
            Console.WriteLine(FormattableString.Invariant(
                $"median telemetry {(on ? "on " : "off")}: {rows / Median(mine.Select(f => f.Seconds)):F0} rows/s, {Median(mine.Select(f => f.CpuMs)) / rows:F3} ms CPU/row, {Median(mine.Select(f => f.AllocatedBytes)) / 1024.0 / rows:F1} KB allocated/row"));
        }
        return 0;
    }

    private sealed record Figures(double Seconds, double CpuMs, double AllocatedBytes);

    private static Figures Round(string flowPath, int rows, bool on)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-telemetry-cost-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var sheets = GoogleSheetsEmulator.StartAsync().GetAwaiter().GetResult();
        var helpCrunch = HelpCrunchEmulator.StartAsync(HelpCrunchKey).GetAwaiter().GetResult();
        var telegram = TelegramEmulator.StartAsync().GetAwaiter().GetResult();
        try
        {
            Seed(sheets, helpCrunch, rows);
            var flow = LoadFlow(flowPath, WriteConnections(directory, sheets, helpCrunch, telegram));
            using var telemetry = on ? new TelemetryOn() : null;
            using var store = new SqliteStateStore(Path.Combine(directory, "state.db"));
            var process = Process.GetCurrentProcess();
            GC.Collect();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var report = new FlowRunner(store).RunAsync(flow, CancellationToken.None, waitForLease: false).GetAwaiter().GetResult();
            var seconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var figures = new Figures(seconds, (process.TotalProcessorTime - cpu).TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated);
            if (report.Items.Count != rows) throw new InvalidOperationException($"the run processed {report.Items.Count} rows, not {rows}: {report.Error}");
            return figures;
        }
        finally
        {
            sheets.DisposeAsync().AsTask().GetAwaiter().GetResult();
            helpCrunch.DisposeAsync().AsTask().GetAwaiter().GetResult();
            telegram.DisposeAsync().AsTask().GetAwaiter().GetResult();
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private const string GoogleKey = "AIza-telemetry-cost";
    private const string HelpCrunchKey = "hc-telemetry-cost";

    /// <summary>The three connections of the canonical flow, pacing off, secrets given inline through the environment.</summary>
    private static string WriteConnections(string directory, GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, TelegramEmulator telegram)
    {
        Environment.SetEnvironmentVariable("GOOGLE_API_KEY", GoogleKey);
        Environment.SetEnvironmentVariable("HELPCRUNCH_API_KEY", HelpCrunchKey);
        Environment.SetEnvironmentVariable("TELEGRAM_BOT_TOKEN", TelegramEmulator.DefaultToken);
        var connections = new JObject
        {
            ["google"] = new JObject { ["type"] = "googleSheets", ["apiKey"] = "${env:GOOGLE_API_KEY}", ["baseUrl"] = sheets.BaseUrl, ["readsPerMinute"] = 100_000 },
            ["helpcrunch"] = new JObject { ["type"] = "helpCrunch", ["apiKey"] = "${env:HELPCRUNCH_API_KEY}", ["baseUrl"] = helpCrunch.BaseUrl, ["requestsPerMinute"] = 0 },
            ["telegram"] = new JObject
            {
                ["type"] = "telegram", ["botToken"] = "${env:TELEGRAM_BOT_TOKEN}", ["baseUrl"] = telegram.BaseUrl,
                ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000,
            },
        };
        var path = Path.Combine(directory, "connections.json");
        File.WriteAllText(path, connections.ToString());
        return path;
    }

    private static Flow LoadFlow(string flowPath, string connectionsPath)
    {
        var registry = new ConnectorRegistry();
        GoogleSheetsConnector.Register(registry);
        HelpCrunchConnector.Register(registry);
        TelegramConnector.Register(registry);
        var problems = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(connectionsPath, registry, problems);
        var set = new FlowLoader(registry, connections) { CollectibleCode = false }.Load([flowPath]);
        var all = problems.Concat(set.Diagnostics).Where(d => d.ToString().Contains("error", StringComparison.Ordinal)).ToList();
        if (all.Count > 0 || set.Flows.Count != 1) throw new InvalidOperationException("the canonical flow does not load: " + string.Join("; ", all));
        return set.Flows.Single();
    }

    /// <summary>What serve listens with (the Prometheus reader only collects when scraped, so a manual reader stands
    /// in for it); spans go to an exporter that drops them.</summary>
    private sealed class TelemetryOn : IDisposable
    {
        private readonly MeterProvider _meters = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter(EngineTelemetry.Name)
            .AddReader(new BaseExportingMetricReader(new DroppingMetrics()))
            .Build();

        private readonly TracerProvider _tracer = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(EngineTelemetry.Name)
            .AddHttpClientInstrumentation()
            .AddProcessor(new SimpleActivityExportProcessor(new DroppingSpans()))
            .Build();

        public void Dispose()
        {
            _tracer.Dispose();
            _meters.Dispose();
        }
    }

    private sealed class DroppingSpans : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch) => ExportResult.Success;
    }

    private sealed class DroppingMetrics : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }

    private static void Seed(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, int rows)
    {
        sheets.AddApiKey(GoogleKey);
        var sheet = new List<string[]> { new[] { "Email", "Name", "Phone", "Company", "Locale" } };
        for (var i = 0; i < rows; i++)
        {
            var email = $"person{i}@example.com";
            // A third exist (update), a third are new (create), a third have a locale nobody accepts (alert).
            if (i % 3 == 0) helpCrunch.AddContact(email, "Old Name");
            sheet.Add([email, $"Person {i}", $"+3805011{i:D5}", "Acme", i % 3 == 2 ? "xx" : "en"]);
        }
        sheets.AddSheet(SpreadsheetId, "Contacts", sheet);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RulesEngine.sln"))) return directory.FullName;
        throw new InvalidOperationException("run from inside the repository");
    }
}
