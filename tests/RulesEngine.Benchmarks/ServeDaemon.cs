using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Benchmarks;

/// <summary>
/// The real <c>rulesengine serve</c> as a child process of the bench: started with <c>dotnet ENGINE serve</c> (the
/// dotnet host runs the program in its own process, so the child's pid is the engine's and its /proc figures are the
/// engine's), its JSON log read line by line for the runs' summaries, its CPU and memory read from /proc, runs asked
/// for through the web console's "Run now" (the on-demand path a user has). Killed by its pid on every way out of the
/// bench: dispose, an exception, Ctrl+C or SIGTERM (the caller's cancellation ends in dispose), and process exit.
/// </summary>
internal sealed partial class ServeDaemon : IDisposable
{
    private const int TailLines = 40;

    private readonly Process _process;
    private readonly Channel<RunSummary> _summaries = Channel.CreateUnbounded<RunSummary>();
    private readonly Queue<string> _tail = new();
    private readonly HttpClient _console;
    private readonly string _flow;
    private readonly Task _readers;
    private readonly EventHandler _onProcessExit;
    private string? _antiforgeryToken;

    /// <summary>One run's last log line ("Run X of F completed: N new rows, ..." or "... failed: ...").</summary>
    public sealed record RunSummary(string Run, bool Failed, int Rows, int NeedsPerson, int Handled, int Held, string Message);

    /// <summary>The daemon's CPU (user + system, every thread it ever had) and resident memory now and at its highest.</summary>
    public sealed record Usage(double CpuSeconds, long RssKb, long PeakRssKb);

    private ServeDaemon(Process process, Uri console, string flow)
    {
        _process = process;
        _flow = flow;
        _console = new HttpClient(new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = console, Timeout = TimeSpan.FromMinutes(2),
        };
        _onProcessExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
        _readers = Task.WhenAll(ReadAsync(process.StandardOutput, parse: true), ReadAsync(process.StandardError, parse: false))
            .ContinueWith(_ => _summaries.Writer.TryComplete(), TaskScheduler.Default);
    }

    public int Pid => _process.Id;

    /// <summary>Starts <c>dotnet ENGINE serve --rules RULES --connections CONNECTIONS --state STATE --create-state
    /// --json-logs --listen http://127.0.0.1:PORT</c> (a free loopback port) in <paramref name="directory"/>.</summary>
    public static ServeDaemon Start(string engine, string rules, string connections, string state, string flow, string directory,
        IReadOnlyDictionary<string, string> environment)
    {
        var console = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in new[] { engine, "serve", "--rules", rules, "--connections", connections, "--state", state, "--create-state", "--json-logs", "--listen", console.ToString().TrimEnd('/') })
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new ServeDaemon(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), console, flow);
    }

    /// <summary>The next run's summary, in the order the daemon logged them; an error naming the daemon's last lines
    /// when it exits or <paramref name="timeout"/> passes without one.</summary>
    public async Task<RunSummary> NextRunAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await _summaries.Reader.ReadAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the daemon (pid {Pid}) logged no run's end within {timeout.TotalMinutes:0} min; its last lines:\n{Tail()}");
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync(cancellationToken);
            throw new InvalidOperationException($"the daemon (pid {Pid}) exited with {_process.ExitCode}; its last lines:\n{Tail()}");
        }
    }

    /// <summary>Reads the flow's console page once, for the antiforgery cookie and token every "Run now" carries.</summary>
    public async Task OpenConsoleAsync(CancellationToken cancellationToken)
    {
        var page = await _console.GetStringAsync("flows/" + Uri.EscapeDataString(_flow), cancellationToken);
        var token = AntiforgeryInput().Match(page);
        if (!token.Success) throw new InvalidOperationException($"the console's page of {_flow} has no antiforgery token: has the console's form changed?");
        _antiforgeryToken = WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>The console's "Run now" button: asks the daemon's scheduler for a run of the flow.</summary>
    public async Task RequestRunAsync(CancellationToken cancellationToken)
    {
        var token = _antiforgeryToken ?? throw new InvalidOperationException("open the console first");
        using var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]);
        using var answer = await _console.PostAsync($"flows/{Uri.EscapeDataString(_flow)}/run", form, cancellationToken);
        if ((int)answer.StatusCode is < 300 or >= 400)
            throw new InvalidOperationException($"the console answered \"Run now\" with {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>utime + stime of /proc/PID/stat (the whole process, threads that ended included); VmRSS and VmHWM.</summary>
    public Usage Read()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        // "pid (comm) state ppid ...": comm may hold spaces; utime and stime are the 14th and 15th fields.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        long Kb(string name) => long.Parse(File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            [(name.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return new Usage((double)ticks / ClockTicksPerSecond.Value, Kb("VmRSS"), Kb("VmHWM"));
    }

    public void Dispose()
    {
        Kill();
        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        _readers.Wait(TimeSpan.FromSeconds(60));
        _console.Dispose();
        _process.Dispose();
    }

    /// <summary>Ends the daemon this bench started, by its pid (never by name: other people's runs share the names).</summary>
    private void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(60_000);
        }
        catch (InvalidOperationException)
        {
            // it had already gone
        }
    }

    private async Task ReadAsync(StreamReader reader, bool parse)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_tail)
            {
                _tail.Enqueue(line);
                if (_tail.Count > TailLines) _tail.Dequeue();
            }
            if (parse && Summary(line) is { } summary) _summaries.Writer.TryWrite(summary);
        }
    }

    private string Tail()
    {
        lock (_tail) return string.Join('\n', _tail);
    }

    /// <summary>A run's summary line of <c>RulesEngine.Runs</c> (see the daemon's RunLog), by its message template.</summary>
    private static RunSummary? Summary(string line)
    {
        if (!line.StartsWith('{')) return null;
        JObject entry;
        try
        {
            entry = JObject.Parse(line);
        }
        catch (JsonReaderException)
        {
            return null;
        }
        var template = (string?)entry["template"] ?? "";
        if ((string?)entry["category"] != "RulesEngine.Runs" || !template.StartsWith("Run {Run} of {Flow} ", StringComparison.Ordinal)) return null;
        var state = entry["state"] as JObject ?? [];
        int Count(string name) => (int?)state[name] ?? 0;
        return new RunSummary((string?)state["run"] ?? "", template.Contains(" failed", StringComparison.Ordinal), Count("rows"), Count("needsPerson"),
            Count("handled"), Count("held"), (string?)entry["message"] ?? "");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The kernel's USER_HZ, the unit of /proc/PID/stat's times (100 on every usual Linux).</summary>
    private static readonly Lazy<long> ClockTicksPerSecond = new(() =>
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = getconf.StandardOutput.ReadToEnd().Trim();
        getconf.WaitForExit();
        return long.TryParse(text, CultureInfo.InvariantCulture, out var hz) && hz > 0 ? hz : 100;
    });

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
