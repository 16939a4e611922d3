using System.Diagnostics;

namespace RulesEngine.Editing.Tests.Support;

/// <summary>Runs the real program (<c>dotnet rulesengine.dll</c>, copied next to this assembly) as a user would,
/// with extra environment variables, and captures what it printed.</summary>
internal static class ProgramRun
{
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "rulesengine.dll");
        if (!File.Exists(program) || !File.Exists(Path.ChangeExtension(program, ".runtimeconfig.json")))
            throw new InvalidOperationException($"{program} is not built next to the tests");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // generous: a loaded 2-core machine compiling with Roslyn is slow, and this is a bound, not a measurement
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new CliRun(process.ExitCode, await output, await errors);
    }
}
