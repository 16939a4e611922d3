using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cli.Tests;

/// <summary>'serve' on the shipped rules/ runs the canonical flow out of the box, every five minutes (the
/// tutorial's "auto-update interval"), and at once on a fresh state.</summary>
[Collection(ProcessWideState.Name)]
public sealed class ShippedTriggerTests
{
    [Fact]
    public void CanonicalFlow_RunsEveryFiveMinutes()
    {
        var header = FlowHeader.Read(Repo.CanonicalFlow);

        Assert.Empty(header.Problems);
        Assert.Equal(TimeSpan.FromMinutes(5), header.Triggers.Interval);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(now, TriggerTimes.FirstDue(header.Triggers, lastRun: null, now));
        Assert.Equal(now + TimeSpan.FromMinutes(5), TriggerTimes.FirstDue(header.Triggers, lastRun: now, now));
    }

    [Fact]
    public async Task Status_OfTheShippedRules_ShowsTheIntervalAndThatTheFlowIsDue()
    {
        var state = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10], "state.db");

        var result = await CliResult.RunAsync("status", "--rules", Repo.RulesFolder, "--state", state);

        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var flow = lines.FindIndex(l => l.StartsWith(Sandbox.FlowName + "  ", StringComparison.Ordinal));
        Assert.True(flow >= 0, result.ToString());
        Assert.Equal("  triggers:   every 00:05:00", lines[flow + 2]);
        Assert.Equal("  next run:   now (due)", lines[flow + 4]);
    }
}
