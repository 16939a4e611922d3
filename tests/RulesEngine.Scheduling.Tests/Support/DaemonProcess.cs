using System.Collections.Concurrent;
using System.Diagnostics;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>The real program (rulesengine.dll beside the tests) in a child process, its output captured line by line.</summary>
internal sealed class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private DaemonProcess(Process process) => _process = process;

    public IReadOnlyList<string> Lines => [.. _lines];

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The CPU time the process has used so far (user and system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static DaemonProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rulesengine.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        var daemon = new DaemonProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) daemon._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) daemon._lines.Enqueue("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <summary>Runs the program to its end and returns its exit code.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Start(args);
        var code = await process.WaitForExitAsync(timeout);
        return (code, process.Lines);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (a real process works in real time).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited && !condition()) Assert.Fail($"the daemon exited ({_process.ExitCode}) before {what}:\n{string.Join("\n", Lines)}");
            if (deadline.Elapsed > timeout) Assert.Fail($"timed out waiting for {what}:\n{TellingLines()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The log a timeout is explained by: the last 60 lines other than a flow starting or a run finding
    /// nothing new (a daemon idling every second would push what happened before out of a plain tail), then the
    /// last 10 lines as they are.</summary>
    private string TellingLines()
    {
        var lines = Lines;
        static bool Idle(string line) => line.Contains("Starting ", StringComparison.Ordinal) || line.Contains("completed: 0 new rows", StringComparison.Ordinal);
        return string.Join("\n", [.. lines.Where(l => !Idle(l)).TakeLast(60), "... the last lines:", .. lines.TakeLast(10)]);
    }

    public Task WaitForLineAsync(string text, TimeSpan timeout) =>
        WaitUntilAsync(() => Lines.Any(l => l.Contains(text, StringComparison.Ordinal)), timeout, $"a line with \"{text}\"");

    /// <summary>Sends SIGTERM, as systemd does on stop.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process with SIGKILL (kill -9): no handler runs, nothing is released.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the process did not exit within {timeout.TotalSeconds} s:\n{string.Join("\n", Lines.TakeLast(60))}");
        }
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    private bool _disposed;

    /// <summary>Kills the process if it still runs. Safe to call twice (a test's <c>using</c> and its bed both may).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
