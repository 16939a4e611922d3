using System.Diagnostics;

namespace RulesEngine.Cli.Tests.Support;

/// <summary>Runs a real program to its end and captures what it printed; a program still running after the timeout
/// is killed with its children (and the test fails), so no test leaves a process behind.</summary>
internal static class ChildProcess
{
    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not end within {timeout.TotalSeconds:0} s:\n{await output}\n{await errors}");
        }
        return new CliResult(process.ExitCode, await output, await errors);
    }

    /// <summary>The dotnet host that runs these tests (the SDK's, under dotnet test).</summary>
    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
