using System.Diagnostics;
using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram.Emulator;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>canonical N [--scale K] [--engine PATH] [--fsyncs]</c>: the shipped rules/helpcrunch-contacts.json run once by
/// the real program (<c>rulesengine run</c>, a child process) against the emulators in this process, on a sheet of N
/// rows: 90% update an existing contact, 5% are new (created), 5% fail both ways (locale 'xx': an alert). The
/// emulators enforce the service limits (HelpCrunch 120 requests a minute, Telegram one message a second per chat)
/// and the connections carry our default pacing; the state file is on disk, as a user has it.
/// <para>
/// <c>--scale K</c> compresses time by K: every limit (the emulators' and our pacing alike) is K times higher, so a
/// run bound by the limits takes 1/K of the time; the rows a minute at the real limit are then the measured ones
/// divided by K (the engine's CPU is not what bounds it: check "engine CPU busy" stays well below 100%).
/// <c>--engine</c> runs another build (a checkout of an older commit) with the same sheet and command.
/// <c>--fsyncs</c> runs the engine under <c>strace -f -c</c> to count its fsync calls (CPU figures then include strace).
/// Linux only: CPU and peak RSS come from <c>/usr/bin/time</c>.
/// </para>
/// </summary>
internal static class CanonicalBench
{
    internal const string GoogleApiKey = "AIza-bench-google-key";
    internal const string HelpCrunchApiKey = "hc-bench-api-key";
    internal static readonly string[] Header = ["Email", "Name", "Phone", "Company", "Locale"];

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(args[1], CultureInfo.InvariantCulture);
        var scale = int.Parse(Option(args, "--scale") ?? "1", CultureInfo.InvariantCulture);
        var root = RepoRoot();
        var engine = EnginePath(args, root);
        if (engine is null) return 1;
        if (rows < 1 || scale < 1)
        {
            Console.Error.WriteLine("canonical N [--scale K]: N and K are whole numbers of at least 1");
            return 64;
        }

        var flowPath = Path.Combine(root, "rules", "helpcrunch-contacts.json");
        var flow = JObject.Parse(await File.ReadAllTextAsync(flowPath));
        var spreadsheetId = (string)flow["source"]!["spreadsheetId"]!;
        var sheet = (string)flow["source"]!["sheet"]!;
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            await using var sheets = await GoogleSheetsEmulator.StartAsync();
            await using var helpCrunch = await HelpCrunchEmulator.StartAsync(HelpCrunchApiKey,
                new HelpCrunchEmulatorOptions { EnforceRateLimit = true, RequestsPerMinute = 120 * scale });
            await using var telegram = await TelegramEmulator.StartAsync();
            telegram.LimitPerChat(TimeSpan.FromSeconds(1.0 / scale));
            sheets.AddApiKey(GoogleApiKey);

            // The program's own cost before any row: runtime start, flow load and compilation, one read of an empty tab.
            EngineRun startup;
            await using (var empty = await GoogleSheetsEmulator.StartAsync())
            {
                empty.AddApiKey(GoogleApiKey);
                empty.AddSheet(spreadsheetId, sheet, [Header]);
                var emptyConnections = Path.Combine(directory, "empty-connections.json");
                await File.WriteAllTextAsync(emptyConnections, Connections(empty, helpCrunch, telegram, scale).ToString());
                startup = await RunEngineAsync(engine, flowPath, emptyConnections, Path.Combine(directory, "startup.db"), fsyncs: false);
            }
            var connections = Path.Combine(directory, "connections.json");
            await File.WriteAllTextAsync(connections, Connections(sheets, helpCrunch, telegram, scale).ToString());

            var expected = Seed(sheets, helpCrunch, spreadsheetId, sheet, rows);
            var run = await RunEngineAsync(engine, flowPath, connections, Path.Combine(directory, "state", "rulesengine.db"), args.Contains("--fsyncs"));
            if (run.Exit != 0)
            {
                Console.Error.WriteLine($"the engine exited with {run.Exit}:\n{run.Output}");
                return 1;
            }
            Report(rows, scale, engine, run, startup, sheets, helpCrunch, telegram, expected);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // a scratch folder left in /tmp is harmless
            }
        }
    }

    private sealed record Expected(int Updates, int Creates, int Alerts);

    /// <summary>Row i: every 20th is new, the one after it fails both ways, the rest update a contact seeded here.</summary>
    private static Expected Seed(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, string spreadsheetId, string sheet, int rows)
    {
        var data = new List<IReadOnlyList<string>>();
        int updates = 0, creates = 0, alerts = 0;
        for (var i = 0; i < rows; i++)
        {
            switch (KindOf(i))
            {
                case RowKind.Create:
                    creates++;
                    break;
                case RowKind.Alert:
                    alerts++;
                    break;
                default:
                    SeedContact(helpCrunch, i);
                    updates++;
                    break;
            }
            data.Add(Cells(i));
        }
        sheets.AddSheet(spreadsheetId, sheet, [Header, .. data]);
        return new Expected(updates, creates, alerts);
    }

    internal enum RowKind { Update, Create, Alert }

    internal static RowKind KindOf(int i) => (i % 20) switch { 0 => RowKind.Create, 1 => RowKind.Alert, _ => RowKind.Update };

    internal static string Email(int i) => $"c{i}@bench.example";

    /// <summary>The contact an update row finds, with a name the row then replaces.</summary>
    internal static void SeedContact(HelpCrunchEmulator helpCrunch, int i) => helpCrunch.AddContact(Email(i), "Old name " + i);

    /// <summary>Row i's cells under <see cref="Header"/>: an alert row's locale 'xx' fails the update and the create.</summary>
    internal static string[] Cells(int i) =>
        [Email(i), "Name " + i, "+1415555" + (i % 10000).ToString("D4", CultureInfo.InvariantCulture), "Company " + (i % 97), KindOf(i) == RowKind.Alert ? "xx" : "en"];

    internal static JObject Connections(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, TelegramEmulator telegram, int scale) => new()
    {
        // Our default pacing, K times faster when time is compressed (the emulators' limits are too).
        ["google"] = new JObject { ["type"] = "googleSheets", ["apiKey"] = "${env:GOOGLE_API_KEY}", ["baseUrl"] = sheets.BaseUrl, ["readsPerMinute"] = Math.Min(60 * scale, 100_000) },
        ["helpcrunch"] = new JObject { ["type"] = "helpCrunch", ["apiKey"] = "${env:HELPCRUNCH_API_KEY}", ["baseUrl"] = helpCrunch.BaseUrl, ["requestsPerMinute"] = Math.Min(120 * scale, 100_000) },
        ["telegram"] = new JObject
        {
            ["type"] = "telegram", ["botToken"] = "${env:TELEGRAM_BOT_TOKEN}", ["baseUrl"] = telegram.BaseUrl,
            ["perChatIntervalSeconds"] = 1.0 / scale, ["messagesPerSecond"] = Math.Min(30 * scale, 1_000),
        },
    };

    private sealed record EngineRun(int Exit, string Output, double WallSeconds, double CpuSeconds, long PeakRssKb, long Fsyncs);

    private static async Task<EngineRun> RunEngineAsync(string engine, string flowPath, string connections, string statePath, bool fsyncs)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(statePath)!);
        var timeFile = statePath + ".time";
        var straceFile = statePath + ".strace";
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-o", timeFile, "-f", "%e %U %S %M" }) info.ArgumentList.Add(arg);
        if (fsyncs)
            foreach (var arg in new[] { "strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", straceFile }) info.ArgumentList.Add(arg);
        foreach (var arg in new[] { "dotnet", engine, "run", flowPath, "--connections", connections, "--state", statePath }) info.ArgumentList.Add(arg);
        info.Environment["GOOGLE_API_KEY"] = GoogleApiKey;
        info.Environment["HELPCRUNCH_API_KEY"] = HelpCrunchApiKey;
        info.Environment["TELEGRAM_BOT_TOKEN"] = TelegramEmulator.DefaultToken;
        using var process = Process.Start(info)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output + await errors;
            var fields = (await File.ReadAllLinesAsync(timeFile)).Last(l => l.Length > 0).Split(' ');
            double Number(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
            return new EngineRun(process.ExitCode, text, Number(0), Number(1) + Number(2), long.Parse(fields[3], CultureInfo.InvariantCulture),
                fsyncs ? FsyncCalls(straceFile) : -1);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The calls column of strace -c's fsync and fdatasync lines.</summary>
    private static long FsyncCalls(string straceFile) => File.ReadAllLines(straceFile)
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Where(f => f.Length >= 5 && f[^1] is "fsync" or "fdatasync")
        .Sum(f => long.Parse(f[3], CultureInfo.InvariantCulture));

    private static void Report(int rows, int scale, string engine, EngineRun run, EngineRun startup, GoogleSheetsEmulator sheets,
        HelpCrunchEmulator helpCrunch, TelegramEmulator telegram, Expected expected)
    {
        var hc = helpCrunch.Received;
        int Count(Func<Emulation.RecordedRequest, bool> which) => hc.Count(which);
        var searches = Count(r => r.Path.EndsWith("/customers/search", StringComparison.Ordinal));
        var batchUpdates = Count(r => r.Method == "PUT" && r.Path.EndsWith("/customers/batch", StringComparison.Ordinal));
        var patches = Count(r => r.Method == "PATCH");
        var creates = Count(r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal));
        var refused = helpCrunch.RateLimitedAnswers; // answered 429 by the emulator's limit: our pacing let them through too early
        var alerts = telegram.SentMessages.Count;
        var contacts = helpCrunch.Contacts;
        var updated = contacts.Count(c => ((string?)c["name"])?.StartsWith("Name ", StringComparison.Ordinal) == true);
        var rowsPerMinute = rows / run.WallSeconds * 60;
        var cpuMs = run.CpuSeconds * 1000;
        var marginalMs = (run.CpuSeconds - startup.CpuSeconds) * 1000 / rows;
        string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine($"canonical {rows} rows, engine {engine}");
        Console.WriteLine(scale == 1
            ? "  limits: HelpCrunch 120 requests/min enforced by the emulator, Telegram 1 message/s per chat; our default pacing"
            : $"  time compressed {scale}x: HelpCrunch {120 * scale}/min enforced, Telegram {F(1.0 / scale, "0.###")} s per chat, our pacing {scale}x its defaults");
        Console.WriteLine($"  wall {F(run.WallSeconds, "0.0")} s; {F(rowsPerMinute, "0")} rows/min measured" +
            (scale == 1 ? "" : $", {F(rowsPerMinute / scale, "0")} rows/min at the real limit"));
        Console.WriteLine($"  requests per row: HelpCrunch {F((double)hc.Count / rows, "0.000")} (search {F((double)searches / rows, "0.000")}, " +
            $"batch update {F((double)batchUpdates / rows, "0.000")}, PATCH {F((double)patches / rows, "0.000")}, create {F((double)creates / rows, "0.000")}; " +
            $"{refused} of them refused with 429 by the limit), " +
            $"Google Sheets {F((double)sheets.Received.Count / rows, "0.000")}, Telegram {F((double)telegram.Received.Count / rows, "0.000")}");
        Console.WriteLine($"  engine CPU: {F(cpuMs, "0")} ms in all ({F(cpuMs / rows, "0.000")} ms per row), of which startup {F(startup.CpuSeconds * 1000, "0")} ms; " +
            $"{F(marginalMs, "0.000")} ms per row beyond startup; busy {F(100 * run.CpuSeconds / run.WallSeconds, "0")}% of one core");
        Console.WriteLine($"  peak RSS {F(run.PeakRssKb / 1024.0, "0")} MB" + (run.Fsyncs >= 0 ? $"; fsync calls {run.Fsyncs} ({F((double)run.Fsyncs / rows, "0.00")} per row)" : ""));
        Console.WriteLine($"  outcomes: {updated} contacts carry the sheet's name (expected {expected.Updates + expected.Creates}), {creates} creates (expected {expected.Creates}), " +
            $"{alerts} alerts (expected {expected.Alerts})");
        Console.WriteLine(new JObject
        {
            ["rows"] = rows, ["scale"] = scale, ["wallSeconds"] = Math.Round(run.WallSeconds, 1), ["rowsPerMinute"] = Math.Round(rowsPerMinute),
            ["rowsPerMinuteAtRealLimit"] = Math.Round(rowsPerMinute / scale), ["helpCrunchRequestsPerRow"] = Math.Round((double)hc.Count / rows, 4), ["helpCrunchRefused429"] = refused,
            ["sheetsRequestsPerRow"] = Math.Round((double)sheets.Received.Count / rows, 4), ["telegramRequestsPerRow"] = Math.Round((double)telegram.Received.Count / rows, 4),
            ["cpuMsPerRow"] = Math.Round(cpuMs / rows, 3), ["cpuMsPerRowBeyondStartup"] = Math.Round(marginalMs, 3), ["startupCpuMs"] = Math.Round(startup.CpuSeconds * 1000),
            ["peakRssMb"] = Math.Round(run.PeakRssKb / 1024.0), ["fsyncsPerRow"] = run.Fsyncs >= 0 ? Math.Round((double)run.Fsyncs / rows, 3) : null,
        }.ToString(Newtonsoft.Json.Formatting.None));
    }

    /// <summary>The build named by <c>--engine</c>, else this checkout's Release build; null (said why) when it is missing.</summary>
    internal static string? EnginePath(string[] args, string root)
    {
        var engine = Path.GetFullPath(Option(args, "--engine") ?? Path.Combine(root, "src", "RulesEngine.Cli", "bin", "Release", "net10.0", "rulesengine.dll"));
        if (File.Exists(engine)) return engine;
        Console.Error.WriteLine($"no engine at {engine}: build it first (dotnet build -c Release src/RulesEngine.Cli) or name one with --engine PATH");
        return null;
    }

    internal static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RulesEngine.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
