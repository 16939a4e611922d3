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
        try
        {
            using var store = new SqliteStateStore(Path.Combine(directory, "state.db"));
            var source = new NewRowsSource(new GoogleSheetsClient(new GoogleSheetsOptions { BaseUrl = baseUrl, ApiKey = ApiKey }),
                SpreadsheetId, Sheet, columns: ["Email", "Name", "UserId", "Locale"], requiredColumns: ["Email"]);
            var journal = new StoreRecordedItems(store, store.BeginRun("bench", DateTimeOffset.UtcNow), "bench", source.PositionKey);
            Console.WriteLine(FormattableString.Invariant($"rows {rows}, columns {Header.Length}, baseline RSS {Rss("VmRSS") / 1e6:F1} MB"));

            // The first run with "existingRows": "skip": every row's key recorded as known.
            var position = Phase($"skip: read all, record {rows} keys", () => source.ReadEndPositionAsync(journal, default).GetAwaiter().GetResult());
            // Steady polls: the whole tab read and compared with the journal; a row appended before each.
            for (var run = 1; run <= 3; run++)
            {
                server.StandardInput.WriteLine("append");
                if (server.StandardOutput.ReadLine() != "OK") throw new InvalidOperationException("the emulator process did not append a row");
                var read = Phase($"run {run}: read all, compare {rows + run} keys with the journal",
                    () => source.ReadNewAsync(position, journal, default).GetAwaiter().GetResult());
                Console.WriteLine(FormattableString.Invariant($"  -> {read.Items.Count} new row(s)"));
                journal.RecordKnown([.. read.Items.Select(i => i.Key)]); // as the engine records them once processed
            }
            return 0;
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

    private static T Phase<T>(string name, Func<T> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ResetPeak();
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
            $"{name}: wall {clock.Elapsed.TotalMilliseconds:F0} ms, CPU {cpuMs:F0} ms, peak RSS (whole process) {Rss("VmHWM") / 1e6:F1} MB, allocated {allocatedMb:F1} MB"));
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
        var self = typeof(SheetReadCost).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(self);
        start.ArgumentList.Add("sheet-serve");
        start.ArgumentList.Add(rows.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(start) ?? throw new InvalidOperationException("the emulator process did not start");
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("READY ", StringComparison.Ordinal))
        {
        }
        baseUrl = line?["READY ".Length..] ?? throw new InvalidOperationException("the emulator process ended before it was ready");
        return process;
    }

    private static string[] Row(int i) =>
        [$"person{i}@example.com", $"Person Number {i}", $"u-{i:D6}", i % 3 == 0 ? "de" : "en", $"Company {i % 997}", $"+49 30 {i:D7}"];
}
