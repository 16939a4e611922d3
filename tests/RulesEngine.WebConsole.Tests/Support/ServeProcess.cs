using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RulesEngine.WebConsole.Tests.Support;

/// <summary>The real program (rulesengine.dll beside the tests) in a child process, its output captured line by
/// line; killed with its children when disposed, also when a test fails.</summary>
internal sealed partial class ServeProcess : IDisposable
{
    /// <summary>A bound on waiting, not a speed requirement: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServeProcess(Process process) => _process = process;

    public IReadOnlyList<string> Lines => [.. _lines];
    public bool HasExited => _process.HasExited;

    /// <param name="environment">Variables set (a value) or removed (null) for the child only.</param>
    public static ServeProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rulesengine.dll"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) serve._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) serve._lines.Enqueue("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    /// <summary>The console's address, from the daemon's "Console listening on URL" line (it listens on port 0: the
    /// system picks a free port, so parallel tests never collide).</summary>
    public async Task<string> ConsoleUrlAsync()
    {
        string? url = null;
        await WaitUntilAsync(() => (url = Lines.Select(l => ListeningLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null,
            "the console's listening line");
        return url!;
    }

    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited && !condition()) Assert.Fail($"the daemon exited ({_process.ExitCode}) before {what}:\n{string.Join("\n", Lines)}");
            if (deadline.Elapsed > Patience) Assert.Fail($"timed out waiting for {what}:\n{string.Join("\n", Lines.TakeLast(60))}");
            await Task.Delay(100);
        }
    }

    public Task WaitForLineAsync(string text) =>
        WaitUntilAsync(() => Lines.Any(l => l.Contains(text, StringComparison.Ordinal)), $"a line with \"{text}\"");

    /// <summary>Asks the daemon to stop as systemd does (SIGTERM).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async Task<int> WaitForExitAsync()
    {
        using var cancel = new CancellationTokenSource(Patience);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }

    [GeneratedRegex(@"Console listening on (http://[^\s;]+)")]
    private static partial Regex ListeningLine();
}
