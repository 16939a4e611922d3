using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram.Emulator;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>canonical N --serve [--rounds R] [--idle SECONDS] [--scale K] [--engine PATH]</c>: what a row costs in a daemon
/// that is already running. The same emulators, limits, connections, flow and rows as <see cref="CanonicalBench"/>, but
/// the real program runs as <c>rulesengine serve</c> (a child process, the state file on disk, the console on a free
/// loopback port) and stays up for every round:
/// <list type="number">
/// <item>start-up: the flow (the shipped file with its interval set to a day, so the daemon runs it once at start, on
/// the still empty tab, and then only when asked) runs once; the daemon's CPU from its exec until that run is logged
/// complete is its start-up;</item>
/// <item>idle: <c>--idle</c> seconds (default 30) with no new rows, before round 1 and after the last round;</item>
/// <item>each round appends N new rows to the emulator's tab (as a user adds rows; update rows' contacts are seeded in
/// HelpCrunch first), presses the console's "Run now" and waits for the daemon's log line ending that run; the
/// daemon's CPU (utime + stime of /proc/PID/stat) and memory are read before and after; the round's effects are checked
/// row by row (<see cref="ServeRoundCheck"/>) and a wrong one ends the bench with exit code 1.</item>
/// </list>
/// CPU per row is printed as measured and beyond idle (minus the idle CPU a second, both stretches together, times the
/// round's wall time). Linux only (/proc).
/// </summary>
internal static class CanonicalServeBench
{
    private const int DefaultRounds = 3;
    private const int DefaultIdleSeconds = 30;
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);

    private sealed record Round(int Number, int Rows, double WallSeconds, double CpuSeconds, long RssKb, long PeakRssKb,
        int HelpCrunchRequests, int Refused429, int SheetsRequests, int TelegramRequests);

    private sealed record Idle(double WallSeconds, double CpuSeconds);

    public static async Task<int> RunAsync(string[] args)
    {
        if (!int.TryParse(args[1], CultureInfo.InvariantCulture, out var rows) || !Whole(args, "--scale", 1, out var scale)
            || !Whole(args, "--rounds", DefaultRounds, out var rounds) || !Whole(args, "--idle", DefaultIdleSeconds, out var idleSeconds) || rows < 1)
        {
            Console.Error.WriteLine("canonical N --serve [--rounds R] [--idle SECONDS] [--scale K] [--engine PATH] [--daemon-env NAME=VALUE]...: N, R, SECONDS and K are whole numbers of at least 1");
            return 64;
        }
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("canonical --serve reads the daemon's CPU and memory from /proc: Linux only");
            return 1;
        }
        var root = CanonicalBench.RepoRoot();
        var engine = CanonicalBench.EnginePath(args, root);
        if (engine is null) return 1;

        using var stop = new CancellationTokenSource();
        // Ctrl+C and SIGTERM end the bench through its cleanup (the daemon killed, the scratch folder deleted).
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-serve-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            return await MeasureAsync(engine, root, directory, rows, scale, rounds, idleSeconds, [.. DaemonEnvironment(args)], stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Console.Error.WriteLine("stopped: the daemon was killed, nothing measured is printed");
            return 130;
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
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

    private static async Task<int> MeasureAsync(string engine, string root, string directory, int rows, int scale, int rounds, int idleSeconds,
        IReadOnlyList<KeyValuePair<string, string>> daemonEnvironment, CancellationToken cancellationToken)
    {
        var flow = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(root, "rules", "helpcrunch-contacts.json"), cancellationToken));
        var flowName = (string)flow["name"]!;
        var spreadsheetId = (string)flow["source"]!["spreadsheetId"]!;
        var sheet = (string)flow["source"]!["sheet"]!;
        // Once at start (a flow that never ran starts at once), then only on demand: every round is one run.
        flow["triggers"] = new JObject { ["interval"] = "1.00:00:00" };
        flow.Remove("$schema");
        var rules = Directory.CreateDirectory(Path.Combine(directory, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, "helpcrunch-contacts.json"), flow.ToString(), cancellationToken);

        await using var sheets = await GoogleSheetsEmulator.StartAsync();
        await using var helpCrunch = await HelpCrunchEmulator.StartAsync(CanonicalBench.HelpCrunchApiKey,
            new HelpCrunchEmulatorOptions { EnforceRateLimit = true, RequestsPerMinute = 120 * scale });
        await using var telegram = await TelegramEmulator.StartAsync();
        telegram.LimitPerChat(TimeSpan.FromSeconds(1.0 / scale));
        sheets.AddApiKey(CanonicalBench.GoogleApiKey);
        sheets.AddSheet(spreadsheetId, sheet, [CanonicalBench.Header]);
        var connections = Path.Combine(directory, "connections.json");
        await File.WriteAllTextAsync(connections, CanonicalBench.Connections(sheets, helpCrunch, telegram, scale).ToString(), cancellationToken);

        using var daemon = ServeDaemon.Start(engine, rules, connections, Path.Combine(directory, "state", "rulesengine.db"), flowName, directory,
            new Dictionary<string, string>
            {
                ["GOOGLE_API_KEY"] = CanonicalBench.GoogleApiKey,
                ["HELPCRUNCH_API_KEY"] = CanonicalBench.HelpCrunchApiKey,
                ["TELEGRAM_BOT_TOKEN"] = TelegramEmulator.DefaultToken,
            }.Concat(daemonEnvironment).ToDictionary());
        var first = await daemon.NextRunAsync(StartupTimeout, cancellationToken);
        if (first.Failed || first.Rows != 0) throw new InvalidOperationException($"the daemon's first run, on an empty tab, did not end as expected: {first.Message}");
        var startup = daemon.Read();
        await daemon.OpenConsoleAsync(cancellationToken);

        var idleBefore = await IdleAsync(daemon, idleSeconds, cancellationToken);
        var measured = new List<Round>();
        for (var number = 1; number <= rounds; number++)
        {
            var firstRow = (number - 1) * rows;
            for (var i = firstRow; i < firstRow + rows; i++)
                if (CanonicalBench.KindOf(i) == CanonicalBench.RowKind.Update) CanonicalBench.SeedContact(helpCrunch, i);
            for (var i = firstRow; i < firstRow + rows; i++) sheets.AppendRow(spreadsheetId, sheet, CanonicalBench.Cells(i));

            var hcBefore = helpCrunch.Received.Count;
            var refusedBefore = helpCrunch.RateLimitedAnswers;
            var sheetsBefore = sheets.Received.Count;
            var telegramBefore = telegram.Received.Count;
            var sentBefore = telegram.SentMessages.Count;
            var before = daemon.Read();
            var clock = Stopwatch.StartNew();
            await daemon.RequestRunAsync(cancellationToken);
            var run = await daemon.NextRunAsync(RoundTimeout(rows, scale), cancellationToken);
            var wall = clock.Elapsed.TotalSeconds;
            var after = daemon.Read();

            var hcOfRound = helpCrunch.Received.Skip(hcBefore).ToList();
            var creates = hcOfRound.Count(r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal));
            var round = new Round(number, rows, wall, after.CpuSeconds - before.CpuSeconds, after.RssKb, after.PeakRssKb, hcOfRound.Count,
                helpCrunch.RateLimitedAnswers - refusedBefore, sheets.Received.Count - sheetsBefore, telegram.Received.Count - telegramBefore);
            measured.Add(round);
            Console.Error.WriteLine(FormattableString.Invariant($"round {number}: {rows} rows in {wall:0.0} s, {1000 * round.CpuSeconds / rows:0.000} ms CPU a row"));
            var problems = ServeRoundCheck.Problems(firstRow, rows, run, helpCrunch.Contacts, [.. telegram.SentMessages.Skip(sentBefore)], creates);
            if (problems.Count > 0)
            {
                Console.Error.WriteLine($"round {number}: the rows did not have their effects:\n  " + string.Join("\n  ", problems));
                return 1;
            }
        }
        var idleAfter = await IdleAsync(daemon, idleSeconds, cancellationToken);
        Report(engine, rows, scale, daemon.Pid, startup, idleBefore, idleAfter, measured);
        return 0;
    }

    /// <summary><c>--daemon-env NAME=VALUE</c> (repeatable): set in the daemon's environment only, so a runtime knob
    /// (a GC setting, say) is measured on the daemon without changing the bench process that hosts the emulators.</summary>
    private static IEnumerable<KeyValuePair<string, string>> DaemonEnvironment(string[] args)
    {
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] != "--daemon-env") continue;
            var pair = args[i + 1];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1) throw new InvalidOperationException($"--daemon-env {pair}: expected NAME=VALUE");
            yield return new(pair[..equals], pair[(equals + 1)..]);
        }
    }

    /// <summary>The daemon's CPU over <paramref name="seconds"/> of nothing to do (a stretch of time is what is measured
    /// here, so it is waited out; nothing is waited for).</summary>
    private static async Task<Idle> IdleAsync(ServeDaemon daemon, int seconds, CancellationToken cancellationToken)
    {
        var before = daemon.Read();
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        return new Idle(clock.Elapsed.TotalSeconds, daemon.Read().CpuSeconds - before.CpuSeconds);
    }

    /// <summary>Generous: ten minutes plus four times what the HelpCrunch limit (0.25 requests a row) and the alerts'
    /// per-chat gap (one row in 20, one a second) take at this scale.</summary>
    private static TimeSpan RoundTimeout(int rows, int scale) =>
        TimeSpan.FromMinutes(10) + 4 * (TimeSpan.FromMinutes(rows * 0.25 / (120.0 * scale)) + TimeSpan.FromSeconds(rows / 20.0 / scale));

    private static void Report(string engine, int rows, int scale, int pid, ServeDaemon.Usage startup, Idle idleBefore, Idle idleAfter, List<Round> rounds)
    {
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        var idlePerSecond = (idleBefore.CpuSeconds + idleAfter.CpuSeconds) / (idleBefore.WallSeconds + idleAfter.WallSeconds);
        Console.WriteLine($"canonical {rows} rows --serve, {rounds.Count} rounds, engine {engine} (daemon pid {pid})");
        Console.WriteLine(scale == 1
            ? "  limits: HelpCrunch 120 requests/min enforced by the emulator, Telegram 1 message/s per chat; our default pacing"
            : $"  time compressed {scale}x: HelpCrunch {120 * scale}/min enforced, Telegram {F(1.0 / scale, "0.###")} s per chat, our pacing {scale}x its defaults");
        Console.WriteLine($"  start-up (exec to the end of its first run, on the empty tab): {F(startup.CpuSeconds * 1000, "0")} ms CPU, RSS {F(startup.RssKb / 1024.0, "0")} MB");
        Console.WriteLine($"  idle: {F(idlePerSecond * 1000, "0.00")} ms CPU a second ({F(idleBefore.CpuSeconds * 1000, "0")} ms in {F(idleBefore.WallSeconds, "0")} s " +
            $"before round 1, {F(idleAfter.CpuSeconds * 1000, "0")} ms in {F(idleAfter.WallSeconds, "0")} s after the last; /proc counts in 10 ms ticks); " +
            "\"beyond idle\" subtracts it over each round's wall time");
        var json = new JArray();
        foreach (var r in rounds)
        {
            var rowsPerMinute = r.Rows / r.WallSeconds * 60;
            var cpuMsPerRow = r.CpuSeconds * 1000 / r.Rows;
            var beyondIdle = (r.CpuSeconds - idlePerSecond * r.WallSeconds) * 1000 / r.Rows;
            Console.WriteLine($"  round {r.Number}: {r.Rows} rows in {F(r.WallSeconds, "0.0")} s, {F(rowsPerMinute, "0")} rows/min" +
                (scale == 1 ? "" : $" ({F(rowsPerMinute / scale, "0")} at the real limit)") +
                $"; HelpCrunch {F((double)r.HelpCrunchRequests / r.Rows, "0.000")} requests/row ({r.Refused429} refused with 429), " +
                $"Sheets {F((double)r.SheetsRequests / r.Rows, "0.000")}, Telegram {F((double)r.TelegramRequests / r.Rows, "0.000")}");
            Console.WriteLine($"    engine CPU {F(r.CpuSeconds * 1000, "0")} ms: {F(cpuMsPerRow, "0.000")} ms per row, {F(beyondIdle, "0.000")} beyond idle; " +
                $"busy {F(100 * r.CpuSeconds / r.WallSeconds, "0")}% of one core; RSS after {F(r.RssKb / 1024.0, "0")} MB, peak so far {F(r.PeakRssKb / 1024.0, "0")} MB; outcomes checked row by row: all right");
            json.Add(new JObject
            {
                ["round"] = r.Number, ["rows"] = r.Rows, ["wallSeconds"] = Math.Round(r.WallSeconds, 1), ["rowsPerMinute"] = Math.Round(rowsPerMinute),
                ["rowsPerMinuteAtRealLimit"] = Math.Round(rowsPerMinute / scale), ["helpCrunchRequestsPerRow"] = Math.Round((double)r.HelpCrunchRequests / r.Rows, 4),
                ["helpCrunchRefused429"] = r.Refused429, ["sheetsRequestsPerRow"] = Math.Round((double)r.SheetsRequests / r.Rows, 4),
                ["telegramRequestsPerRow"] = Math.Round((double)r.TelegramRequests / r.Rows, 4), ["cpuMsPerRow"] = Math.Round(cpuMsPerRow, 3),
                ["cpuMsPerRowBeyondIdle"] = Math.Round(beyondIdle, 3), ["rssMb"] = Math.Round(r.RssKb / 1024.0), ["peakRssMb"] = Math.Round(r.PeakRssKb / 1024.0),
            });
        }
        Console.WriteLine(new JObject
        {
            ["rows"] = rows, ["scale"] = scale, ["serve"] = true, ["startupCpuMs"] = Math.Round(startup.CpuSeconds * 1000),
            ["idleCpuMsPerSecond"] = Math.Round(idlePerSecond * 1000, 2), ["idleSeconds"] = Math.Round(idleBefore.WallSeconds + idleAfter.WallSeconds),
            ["rounds"] = json,
        }.ToString(Newtonsoft.Json.Formatting.None));
    }

    private static bool Whole(string[] args, string name, int fallback, out int value)
    {
        var text = CanonicalBench.Option(args, name);
        value = fallback;
        return text is null || int.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= 1;
    }
}
