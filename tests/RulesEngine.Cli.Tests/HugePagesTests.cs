using RulesEngine.Cli.Hosting;

namespace RulesEngine.Cli.Tests;

/// <summary>The program opts out of transparent huge pages (issue 11: a steady resident set), as the kernel reports it.</summary>
public sealed class HugePagesTests
{
    [Fact]
    public void DisableForThisProcess_IsWhatTheKernelThenReports()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(HugePages.DisableForThisProcess());
            return;
        }

        Assert.True(HugePages.DisableForThisProcess());

        Assert.True(HugePages.DisabledForThisProcess());
        // Linux 6.x and later say it in /proc; older kernels have no such line (the call above still worked).
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("THP_enabled:", StringComparison.Ordinal));
        if (line is not null) Assert.Equal("0", line.Split(':')[1].Trim());
    }
}
