using System.Diagnostics;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>The <c>validate</c> verb, in-process and as the real program.</summary>
[Collection(ProcessWideState.Name)]
public sealed class ValidateTests
{
    [Fact]
    public async Task Validate_AcceptsTheShippedRulesFolder()
    {
        await using var sandbox = await Sandbox.StartAsync();

        var result = await CliResult.RunAsync("validate", Repo.RulesFolder, "--connections", sandbox.ConnectionsPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Errors);
        Assert.Matches(@"^\d+ flow\(s\) valid: ", result.Output);
        Assert.Contains("helpcrunch-contacts", result.Output, StringComparison.Ordinal);
        Assert.Empty(sandbox.AllReceived);
    }

    [Fact]
    public async Task Validate_OfAFileOutsideTheCurrentFolder_NamesItByItsFullPath_NotByDotDots()
    {
        var missing = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10], "nosuch.json");

        var result = await CliResult.RunAsync("validate", missing);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(missing + "(1,1): error RE0000: file not found", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("..", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_OfAnEmptyFolder_SaysThereAreNoFlowFiles()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);

        var result = await CliResult.RunAsync("validate", folder, "--connections", Path.Combine(Repo.Root, "connections.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"no flow files in {folder}", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("0 flow(s) valid", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Validate_AsARealProcess_PrintsTheSamePositionsAsInProcess()
    {
        await using var sandbox = await Sandbox.StartAsync();
        string[] args = ["validate", Repo.Fixture("unknown-step-type.json"), Repo.Fixture("condition-with-misspelled-step.json"), "--connections", sandbox.ConnectionsPath];
        var inProcess = await CliResult.RunAsync(args);

        var real = await RunProgramAsync(args);

        Assert.True(real.ExitCode == 1, real.ToString());
        Assert.Equal(inProcess.ExitCode, real.ExitCode);
        Assert.Equal(inProcess.Errors.ReplaceLineEndings("\n"), real.Errors.ReplaceLineEndings("\n"));
        Assert.Equal(inProcess.Output.ReplaceLineEndings("\n"), real.Output.ReplaceLineEndings("\n"));
        Assert.Contains("unknown-step-type.json(13,15): error RE0015: ", real.Errors, StringComparison.Ordinal);
        Assert.Contains("condition-with-misspelled-step.json(25,21): error CS0103: ", real.Errors, StringComparison.Ordinal);
        Assert.Contains("2 error(s)", real.Output, StringComparison.Ordinal);
    }

    /// <summary>Starts <c>dotnet rulesengine.dll</c> (copied next to this assembly, or as built in src) in the current folder.</summary>
    private static async Task<CliResult> RunProgramAsync(string[] args)
    {
        var program = new[]
            {
                Path.Combine(AppContext.BaseDirectory, "rulesengine.dll"),
                Path.Combine(Repo.Root, "src", "RulesEngine.Cli", "bin", "Debug", "net10.0", "rulesengine.dll"),
            }
            .FirstOrDefault(p => File.Exists(p) && File.Exists(Path.ChangeExtension(p, ".runtimeconfig.json")))
            ?? throw new InvalidOperationException("rulesengine.dll is not built");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await errors);
    }
}
