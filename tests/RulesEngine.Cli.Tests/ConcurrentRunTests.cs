using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Tests;

/// <summary>Two runs of one flow never overlap: the second is refused (exit 3), or with --wait, waits its turn.</summary>
[Collection(ProcessWideState.Name)]
public sealed class ConcurrentRunTests
{
    private const string Holder = "someone else";

    [Fact]
    public async Task Run_ExitsWithThree_WhenTheFlowIsAlreadyRunning()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.StatePath)!);
        using var store = new SqliteStateStore(sandbox.StatePath);
        Assert.Null(store.TryAcquireLease(Sandbox.FlowName, Holder, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("already running", result.Errors, StringComparison.Ordinal);
        Assert.Empty(sandbox.HelpCrunchReceived);
        Assert.Empty(sandbox.Services.HelpCrunch.Contacts);
    }

    [Fact]
    public async Task RunWait_ProceedsOnceTheOtherRunReleasesTheFlow()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.StatePath)!);
        using var store = new SqliteStateStore(sandbox.StatePath);
        Assert.Null(store.TryAcquireLease(Sandbox.FlowName, Holder, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow));

        var waiting = sandbox.RunAsync(Repo.CanonicalFlow, "--wait");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(waiting.IsCompleted, "the run did not wait for the lease");
        Assert.Empty(sandbox.HelpCrunchReceived);

        store.ReleaseLease(Sandbox.FlowName, Holder);
        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 new row(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains(sandbox.Services.HelpCrunch.Contacts, c => c.Value<string>("email") == "ben@example.com");
    }
}
