using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using RulesEngine.Core.State;

namespace RulesEngine.Benchmarks;

/// <summary>
/// <c>-- console-pages [runs] [rowsPerRun] [openEvery]</c>: the web console's server time per page (p50/p95, from its
/// Server-Timing header) on a state file of <c>runs × rowsPerRun</c> journal rows (default 1,000 × 1,000; one row in
/// <c>openEvery</c>, default 100, held and one with delivery unknown), and the
/// resident memory of <c>serve</c> with the console on and off. Runs the built program
/// (src/RulesEngine.Cli/bin/Release/net10.0/rulesengine.dll: build it first with -c Release).
/// </summary>
internal static partial class ConsolePages
{
    private const string Flow = "helpcrunch-contacts";
    private const int Warmup = 5;
    private const int Samples = 50;

    public static int Measure(int runs, int rowsPerRun, int openEvery)
    {
        var program = FindProgram();
        var work = Path.Combine(Path.GetTempPath(), "re-console-bench");
        Directory.CreateDirectory(Path.Combine(work, "rules"));
        var state = Path.Combine(work, $"state-{runs}x{rowsPerRun}-open{openEvery}-v2.db");
        if (!File.Exists(state)) Generate(state, runs, rowsPerRun, openEvery);
        WriteFlowAndConnections(work);
        var middleRun = MiddleRun(state, runs);
        Console.WriteLine(FormattableString.Invariant($"state file {state}: {runs} runs x {rowsPerRun} rows, one in {openEvery} held and one in {openEvery} delivery unknown ({new FileInfo(state).Length / 1048576.0:F0} MiB)"));
        using (var serve = Serve(program, work, state, "http://127.0.0.1:0"))
        {
            var url = serve.WaitForUrl();
            using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            string[] pages = ["/", $"/flows/{Flow}", $"/flows/{Flow}?page={Math.Max(1, runs / 50 / 2)}", $"/flows/{Flow}/open",
                $"/flows/{Flow}/open?page=5", $"/runs/{middleRun}", $"/runs/{middleRun}?page={Math.Max(1, rowsPerRun / 100 / 2)}", $"/runs/{middleRun}?filter=open"];
            var idle = serve.ResidentMiB();
            foreach (var page in pages)
            {
                var times = new List<double>();
                for (var i = 0; i < Warmup + Samples; i++)
                {
                    using var answer = client.GetAsync(page).GetAwaiter().GetResult();
                    answer.EnsureSuccessStatusCode();
                    var timing = answer.Headers.GetValues("Server-Timing").Single();
                    if (i >= Warmup) times.Add(double.Parse(Duration().Match(timing).Groups[1].Value, CultureInfo.InvariantCulture));
                }
                times.Sort();
                Console.WriteLine(FormattableString.Invariant($"{page,-58} p50 {Percentile(times, 0.50),7:F2} ms   p95 {Percentile(times, 0.95),7:F2} ms"));
            }
            Console.WriteLine(FormattableString.Invariant($"serve, console on:  {idle:F0} MiB resident before the pages, {serve.ResidentMiB():F0} MiB after {pages.Length * (Warmup + Samples)} page loads"));
        }
        using (var off = Serve(program, work, state, "none"))
        {
            off.WaitForLine("Loaded " + Flow);
            Thread.Sleep(TimeSpan.FromSeconds(2)); // the same settling time the console-on process had before its first measure
            Console.WriteLine(FormattableString.Invariant($"serve, console off: {off.ResidentMiB():F0} MiB resident"));
        }
        return 0;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string FindProgram()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "RulesEngine.Cli", "bin", "Release", "net10.0", "rulesengine.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("build the program first: dotnet build -c Release src/RulesEngine.Cli");
    }

    /// <summary>The canonical flow switched to on-demand (the daemon loads it and never runs it), and connections whose
    /// services are never called.</summary>
    private static void WriteFlowAndConnections(string work)
    {
        File.WriteAllText(Path.Combine(work, "rules", Flow + ".json"), $$"""
            { "name": "{{Flow}}", "triggers": { "manual": true },
              "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "bench", "sheet": "Contacts",
                          "columns": ["Email", "Name"] },
              "steps": [ { "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-1", "text": "{Email} {Run.Link}" } ] }
            """);
        File.WriteAllText(Path.Combine(work, "connections.json"), """
            { "google": { "type": "googleSheets", "apiKey": "bench-key", "baseUrl": "http://127.0.0.1:9/" },
              "telegram": { "type": "telegram", "botToken": "1:bench", "baseUrl": "http://127.0.0.1:9" } }
            """);
    }

    /// <summary>Writes the journal in bulk: each run's rows done with two recorded steps, one row in
    /// <paramref name="openEvery"/> held and one with a message whose delivery is unknown (rows that need a person,
    /// for the open-rows pages and counts).</summary>
    private static void Generate(string path, int runs, int rowsPerRun, int openEvery)
    {
        var clock = Stopwatch.StartNew();
        new SqliteStateStore(path).Dispose(); // the schema and indexes exactly as the program creates them
        using var db = new SqliteConnection($"Data Source={path};Pooling=false");
        db.Open();
        using (var pragma = db.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            pragma.ExecuteNonQuery();
        }
        using var transaction = db.BeginTransaction();
        SqliteCommand Prepare(string sql, params string[] names)
        {
            var command = db.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, ""));
            return command;
        }
        using var run = Prepare("INSERT INTO runs(id, flow, started_at, finished_at, status, error, holder) VALUES ($id, $flow, $start, $end, 'Completed', '', '')", "$id", "$flow", "$start", "$end");
        using var line = Prepare("""
            INSERT INTO run_items(run_id, number, item_key, status, failed_steps, error, fields, source_key, flow, attention)
            VALUES ($run, $number, $key, $status, $failed, $error, $fields, 'bench', $flow, $attention)
            """, "$run", "$number", "$key", "$status", "$failed", "$error", "$fields", "$flow", "$attention");
        using var item = Prepare("INSERT INTO items(flow, source_key, item_key, status, run_id, updated_at) VALUES ($flow, 'bench', $key, $status, $run, $at)",
            "$flow", "$key", "$status", "$run", "$at");
        using var step = Prepare("""
            INSERT INTO steps(flow, source_key, item_key, step_id, result, error, output, run_id, recorded_at)
            VALUES ($flow, 'bench', $key, $step, $result, $error, $output, $run, $at)
            """, "$flow", "$key", "$step", "$result", "$error", "$output", "$run", "$at");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var r = 0; r < runs; r++)
        {
            var at = start.AddMinutes(5 * r);
            var runId = $"{at.UtcDateTime:yyyyMMdd-HHmmss}-{r:x6}";
            Set(run, runId, Flow, at.ToString("O"), at.AddSeconds(30).ToString("O"));
            for (var n = 1; n <= rowsPerRun; n++)
            {
                var key = $"row-{r}-{n}";
                var kind = n % openEvery;
                var (status, failed, error, attention) = kind switch
                {
                    1 => ("Held", 0, "Telegram did not answer (503)", "held: Telegram did not answer (503)"),
                    2 => ("Done", 1, "", "alert: delivery unknown"),
                    _ => ("Done", 0, "", ""),
                };
                Set(line, runId, n, key, status, failed, error, $$"""{"Email":"person{{n}}@example.com","Name":"Person {{n}} of run {{r}}"}""", Flow, attention);
                Set(item, Flow, key, status, runId, at.ToString("O"));
                if (status == "Held") continue;
                Set(step, Flow, key, "update", 1, "", """{"contactId":"542335"}""", runId, at.ToString("O"));
                Set(step, Flow, key, "alert", kind == 2 ? 0 : 1, kind == 2 ? "no answer: delivery unknown" : "",
                    kind == 2 ? """{"deliveryUnknown":"1"}""" : """{"messageId":"1"}""", runId, at.AddSeconds(1).ToString("O"));
            }
        }
        transaction.Commit();
        Console.WriteLine(FormattableString.Invariant($"generated {runs} runs x {rowsPerRun} rows in {clock.Elapsed.TotalSeconds:F0} s"));
    }

    private static void Set(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        command.ExecuteNonQuery();
    }

    private static string MiddleRun(string state, int runs)
    {
        using var store = new SqliteStateStore(state);
        return store.ListRuns(Flow, runs / 2, 1)[0].Id;
    }

    private static ServeChild Serve(string program, string work, string state, string listen) => new(program,
        ["serve", "--rules", Path.Combine(work, "rules"), "--connections", Path.Combine(work, "connections.json"), "--state", state, "--listen", listen]);

    [GeneratedRegex(@"dur=([0-9.]+)")]
    private static partial Regex Duration();

    /// <summary>A serve process, its output collected, killed at the end.</summary>
    private sealed partial class ServeChild : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];

        public ServeChild(string program, string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(program);
            foreach (var arg in args) info.ArgumentList.Add(arg);
            _process = new Process { StartInfo = info };
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string WaitForUrl()
        {
            WaitForLine("Loaded " + Flow);
            lock (_lines) return _lines.Select(l => Listening().Match(l)).First(m => m.Success).Groups[1].Value;
        }

        public void WaitForLine(string text)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                lock (_lines) if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal))) return;
                if (_process.HasExited || deadline.Elapsed > TimeSpan.FromMinutes(5))
                    lock (_lines) throw new InvalidOperationException($"serve did not say \"{text}\":\n" + string.Join("\n", _lines));
                Thread.Sleep(100);
            }
        }

        public double ResidentMiB()
        {
            var rss = File.ReadAllLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
        }

        [GeneratedRegex(@"Console listening on (http://[^\s;]+)")]
        private static partial Regex Listening();
    }
}
