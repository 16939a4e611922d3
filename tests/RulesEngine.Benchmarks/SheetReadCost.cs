using System.Diagnostics;
using System.Globalization;
using RulesEngine.Connectors.GoogleSheets;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Core.State;

namespace RulesEngine.Benchmarks;

/// <summary>
/// What one run's read of a large tab costs the process that runs the flow: the whole-tab values.get, the walk over
/// every row, and the comparison of every key with a real SQLite journal holding them all. The Sheets emulator runs
/// in a child process (<c>sheet-serve</c>), so the figures are this process's alone: CPU time (user + system), peak
/// resident memory of the whole process (VmHWM, reset before each phase through /proc/self/clear_refs), managed
/// allocations. Not a test: it prints figures; docs/durability.md quotes them.
/// <c>dotnet run -c Release --project tests/RulesEngine.Benchmarks -- sheet-read 100000</c>
/// </summary>
internal static class SheetReadCost
{
    private const string SpreadsheetId = "1BenchmarkSheet0000000000000000000";
    private const string Sheet = "Contacts";
    private const string ApiKey = "AIza-benchmark";
    private static readonly string[] Header = ["Email", "Name", "UserId", "Locale", "Company", "Phone"];

    /// <summary>Child process: an emulator holding <paramref name="rows"/> rows; prints its address, then appends a row
    /// for each "append" line on stdin (answering "OK"), until stdin closes.</summary>
    public static int Serve(int rows)
    {
        var emulator = GoogleSheetsEmulator.StartAsync().GetAwaiter().GetResult();
        emulator.AddApiKey(ApiKey);
        emulator.AddSheet(SpreadsheetId, Sheet, [Header, .. Enumerable.Range(1, rows).Select(Row)]);
        Console.WriteLine("READY " + emulator.BaseUrl);
        while (Console.In.ReadLine() is { } command)
        {
            if (command != "append") continue;
            emulator.AppendRow(SpreadsheetId, Sheet, Row(++rows));
            Console.WriteLine("OK");
        }
        emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }

    public static int Measure(int rows)
    {
        using var server = StartServer(rows, out var baseUrl);
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-sheet-read-" + Guid.NewGuid().ToString("N")[..8]);
        var statePath = Path.Combine(directory, "state.db");
        try
        {
            Console.WriteLine(FormattableString.Invariant($"rows {rows}, columns {Header.Length}, baseline RSS {Rss("VmRSS") / 1e6:F1} MB, answer {AnswerSize(baseUrl) / 1e6:F1} MB of JSON"));
            using (var store = new SqliteStateStore(statePath))
            {
                // The first run with "existingRows": "skip": every row's key recorded as known.
                var source = Source(baseUrl);
                Phase($"skip: read all, record {rows} keys", () =>
                    source.ReadEndPositionAsync(new StoreRecordedItems(store, store.BeginRun("bench", DateTimeOffset.UtcNow), "bench", source.PositionKey), default)
                        .GetAwaiter().GetResult());
            }
            // Steady polls in a fresh process, so its peak memory is a poll's alone.
            server.StandardInput.WriteLine("append");
            if (server.StandardOutput.ReadLine() != "OK") throw new InvalidOperationException("the emulator process did not append a row");
            using var poll = Process.Start(Self("sheet-poll", baseUrl, statePath)) ?? throw new InvalidOperationException("the poll process did not start");
            Console.Write(poll.StandardOutput.ReadToEnd());
            poll.WaitForExit();
            return poll.ExitCode;
        }
        finally
        {
            server.StandardInput.Close();
            server.WaitForExit(10_000);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // left in the temp folder
            }
        }
    }

    /// <summary>Child process: three runs' reads against the journal at <paramref name="statePath"/>, then this
    /// process's peak RSS over its whole life (runtime start included).</summary>
    public static int Poll(string baseUrl, string statePath)
    {
        using var store = new SqliteStateStore(statePath);
        var source = Source(baseUrl);
        var position = new SheetPosition(["Email", "Locale", "Name", "UserId"]).ToString();
        for (var run = 1; run <= 3; run++)
        {
            var journal = new StoreRecordedItems(store, store.BeginRun("bench", DateTimeOffset.UtcNow), "bench", source.PositionKey);
            var read = Phase($"poll {run}: read all, compare every key with the journal", () => source.ReadNewAsync(position, journal, default).GetAwaiter().GetResult(),
                resetPeak: false);
            Console.WriteLine(FormattableString.Invariant($"  -> {read.Items.Count} new row(s)"));
        }
        Console.WriteLine(FormattableString.Invariant($"poll process: peak RSS over its whole life {Rss("VmHWM") / 1e6:F1} MB"));
        return 0;
    }

    /// <summary>The size of the whole-tab values.get answer, asked directly.</summary>
    private static long AnswerSize(string baseUrl)
    {
        using var http = new HttpClient();
        var range = Uri.EscapeDataString($"{Sheet}!A1:ZZ");
        return http.GetByteArrayAsync($"{baseUrl}v4/spreadsheets/{SpreadsheetId}/values/{range}?majorDimension=ROWS&key={ApiKey}").GetAwaiter().GetResult().Length;
    }

    private static NewRowsSource Source(string baseUrl) =>
        new(new GoogleSheetsClient(new GoogleSheetsOptions { BaseUrl = baseUrl, ApiKey = ApiKey }),
            SpreadsheetId, Sheet, columns: ["Email", "Name", "UserId", "Locale"], requiredColumns: ["Email"]);

    private static T Phase<T>(string name, Func<T> work, bool resetPeak = true)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (resetPeak) ResetPeak();
        var before = Rss("VmRSS");
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = work();
        clock.Stop();
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        var allocatedMb = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
        Console.WriteLine(FormattableString.Invariant(
            $"{name}: wall {clock.Elapsed.TotalMilliseconds:F0} ms, CPU {cpuMs:F0} ms, peak RSS (whole process) {Rss("VmHWM") / 1e6:F1} MB (at the start {before / 1e6:F1} MB), allocated {allocatedMb:F1} MB, managed heap committed {GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6:F1} MB"));
        return result;
    }

    /// <summary>Resets the kernel's peak-RSS mark, so each phase's peak is its own (Linux 4.0+; elsewhere a no-op).</summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine("(peak RSS not reset: " + e.Message + ")");
        }
    }

    /// <summary>A line of /proc/self/status in bytes (VmRSS now, VmHWM the peak); 0 where there is none.</summary>
    private static long Rss(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static Process StartServer(int rows, out string baseUrl)
    {
        var process = Process.Start(Self("sheet-serve", rows.ToString(CultureInfo.InvariantCulture)))
            ?? throw new InvalidOperationException("the emulator process did not start");
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
        {
        }
        baseUrl = line?["READY ".Length..] ?? throw new InvalidOperationException("the emulator process ended before it was ready");
        return process;
    }

    /// <summary>This program again, with <paramref name="args"/>, its standard input and output piped.</summary>
    private static ProcessStartInfo Self(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(SheetReadCost).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    private static string[] Row(int i) =>
        [$"person{i}@example.com", $"Person Number {i}", $"u-{i:D6}", i % 3 == 0 ? "de" : "en", $"Company {i % 997}", $"+49 30 {i:D7}"];
}
