using System.Text.RegularExpressions;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 12 item 8: `dotnet test --filter "Category!=Slow"` is a quick loop only if every test that starts a real
/// process carries the Slow trait. This reads the test sources of every test project: a test method that starts a
/// process (directly or through a suite's process helper) must be marked Slow, on itself or on its class.
/// </summary>
public sealed partial class TestConventionTests
{
    /// <summary>What starting a real process looks like in the test projects (their Support/ helpers, and Process).</summary>
    private static readonly string[] StartsAProcess =
        ["Process.Start(", "new ProcessStartInfo(", "CliProcess.Start(", "DaemonProcess.Start(", "DaemonProcess.RunAsync(", "ProgramRun.RunAsync(", "ChildProcess.RunAsync(", "RunProgramAsync("];

    private const string SlowTrait = "[Trait(\"Category\", \"Slow\")]";

    [Fact]
    public void EveryTestThatStartsAProcess_IsMarkedSlow()
    {
        var tests = Directory.GetFiles(Path.Combine(Repo.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}Support{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains("RulesEngine.Benchmarks", StringComparison.Ordinal)
                && !f.EndsWith(nameof(TestConventionTests) + ".cs", StringComparison.Ordinal));
        var unmarked = new List<string>();
        var checkedMethods = 0;
        foreach (var file in tests)
        {
            var source = File.ReadAllText(file).ReplaceLineEndings("\n");
            var classIsSlow = ClassHeader().Match(source) is { Success: true } header && header.Value.Contains(SlowTrait, StringComparison.Ordinal);
            var methods = TestMethod().Matches(source);
            for (var i = 0; i < methods.Count; i++)
            {
                var end = i + 1 < methods.Count ? methods[i + 1].Index : source.Length;
                var body = source[(methods[i].Index + methods[i].Length)..end]; // the body, not its attributes (InlineData may quote code)
                if (!StartsAProcess.Any(marker => body.Contains(marker, StringComparison.Ordinal))) continue;
                checkedMethods++;
                if (!classIsSlow && !methods[i].Groups["attributes"].Value.Contains(SlowTrait, StringComparison.Ordinal))
                    unmarked.Add($"{Path.GetRelativePath(Repo.Root, file)}: {methods[i].Groups["name"].Value}");
            }
        }

        Assert.True(checkedMethods > 10, $"only {checkedMethods} process-starting tests found: the markers no longer match the test helpers");
        Assert.True(unmarked.Count == 0, "tests that start a real process without [Trait(\"Category\", \"Slow\")]:\n  " + string.Join("\n  ", unmarked));
    }

    [Fact]
    public void TheQuickLoop_AndTheSlowTrait_AreDocumented()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var contributing = File.ReadAllText(Path.Combine(Repo.Root, "CONTRIBUTING.md"));

        Assert.Contains("dotnet test RulesEngine.sln --filter \"Category!=Slow\"", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet test RulesEngine.sln   ", readme, StringComparison.Ordinal); // the full command is still the first
        Assert.Contains(SlowTrait, contributing, StringComparison.Ordinal);
    }

    /// <summary>NuGet audit is on, and a machine without a vulnerability feed (NU1900) does not fail the build
    /// although warnings are errors.</summary>
    [Fact]
    public void NuGetAudit_IsOn_AndAMissingVulnerabilityFeedIsNotAnError()
    {
        var props = File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props"));

        Assert.Contains("<NuGetAudit>true</NuGetAudit>", props, StringComparison.Ordinal);
        Assert.Matches(@"<WarningsNotAsErrors>[^<]*NU1900", props);
        Assert.DoesNotMatch(@"<WarningsNotAsErrors>[^<]*NU190[34]", props); // high and critical vulnerabilities stop the build
    }

    [GeneratedRegex(@"(?<attributes>(?:[ \t]*\[[^\n]*\][^\n]*\n)+)[ \t]*public (?:async Task|void) (?<name>\w+)\(")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"(?:^\[[^\n]*\][^\n]*\n)*^public (?:sealed )?(?:partial )?class ", RegexOptions.Multiline)]
    private static partial Regex ClassHeader();
}
