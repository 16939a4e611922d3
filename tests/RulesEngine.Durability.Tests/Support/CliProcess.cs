using System.Diagnostics;

namespace RulesEngine.Durability.Tests.Support;

/// <summary>The real program in a child process: <c>dotnet rulesengine.dll ...</c>, killable like kill -9.</summary>
internal static class CliProcess
{
    /// <summary>The built program beside this test's build (same configuration).</summary>
    public static string ProgramPath { get; } = FindProgram();

    public static Process Start(TestBed bed, params string[] args) => Start(bed, null, args);

    /// <param name="onLine">Gets every line the program writes (standard output and error).</param>
    public static Process Start(TestBed bed, Action<string>? onLine, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = bed.Directory,
        };
        start.ArgumentList.Add(ProgramPath);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in bed.Environment) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // Drain the pipes so a chatty child never blocks on a full one.
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine?.Invoke(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine?.Invoke(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string FindProgram()
    {
        var here = AppContext.BaseDirectory;
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "RulesEngine.sln"))) continue;
            var path = Path.Combine(dir.FullName, "src", "RulesEngine.Cli", "bin", configuration, "net10.0", "rulesengine.dll");
            if (File.Exists(path)) return path;
            throw new FileNotFoundException($"build the CLI first: {path} is missing");
        }
        // Not in the repository: the copy beside the tests (with its runtimeconfig) will do.
        return Path.Combine(here, "rulesengine.dll");
    }
}
