using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 12 item 7: the CLI packs as a .NET tool whose command is <c>rulesengine</c>. This packs the program the tests
/// were built with, installs it into a scratch tool path from that package alone (a scratch NuGet cache too, so no
/// stale copy answers), and runs the installed command.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolInstallTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(10);

    private readonly string _scratch = Directory.CreateTempSubdirectory("rulesengine-tool-").FullName;

    [Fact]
    public async Task PackedTool_InstalledWithToolPath_RunsAsRulesengine_VersionAndDemo()
    {
        var packages = Path.Combine(_scratch, "packages");
        var tools = Path.Combine(_scratch, "tools");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_scratch, "nuget-cache") };
        await File.WriteAllTextAsync(Path.Combine(_scratch, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <clear />
                <add key="scratch" value="{packages}" />
              </packageSources>
            </configuration>
            """);

        var pack = await ChildProcess.RunAsync(ChildProcess.Dotnet,
            ["pack", Path.Combine(Repo.Root, "src", "RulesEngine.Cli"), "-c", configuration, "--no-build", "-o", packages], Generous, environment: environment);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var install = await ChildProcess.RunAsync(ChildProcess.Dotnet,
            ["tool", "install", "RulesEngine.Cli", "--tool-path", tools, "--configfile", Path.Combine(_scratch, "nuget.config")], Generous, environment: environment);
        Assert.True(install.ExitCode == 0, install.ToString());
        var command = Path.Combine(tools, OperatingSystem.IsWindows() ? "rulesengine.exe" : "rulesengine");

        var version = await ChildProcess.RunAsync(command, ["--version"], Generous, workingDirectory: _scratch);
        var demo = await ChildProcess.RunAsync(command, ["demo"], Generous, workingDirectory: _scratch);

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal(ProgramVersionAction.Version, version.Output.Trim());
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("telegram message to -1001234567890:", demo.Output, StringComparison.Ordinal);
        Assert.Contains("the second run processes only that row", demo.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratch, recursive: true); }
        catch (IOException) { /* a scratch folder left in the temp folder is harmless */ }
    }
}
