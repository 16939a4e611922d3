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
    public async Task RunWait_SaysItWaits_AndProceedsOnceTheOtherRunReleasesTheFlow()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.StatePath)!);
        using var store = new SqliteStateStore(sandbox.StatePath);
        Assert.Null(store.TryAcquireLease(Sandbox.FlowName, Holder, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow));
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var shownErrors = TextWriter.Synchronized(errors);

        // It used to sleep 1.5 s and then assert the run had not finished, and flaked under load. Now the run says
        // when it starts waiting, and the test waits for that.
        var waiting = CliApp.RunAsync(["run", Repo.CanonicalFlow, "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath, "--wait"],
            TextWriter.Synchronized(output), shownErrors, CancellationToken.None);
        using (var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            while (!Locked(shownErrors, errors).Contains("waiting for that run to end", StringComparison.Ordinal))
            {
                Assert.False(waiting.IsCompleted, $"the run ended without waiting:\n{output}\n{Locked(shownErrors, errors)}");
                Assert.False(patience.IsCancellationRequested, "the run never said it waits");
                await Task.Delay(20, CancellationToken.None);
            }
        }
        Assert.Contains($"run: the flow is already running ({Holder})", Locked(shownErrors, errors), StringComparison.Ordinal);
        Assert.Empty(sandbox.HelpCrunchReceived);

        store.ReleaseLease(Sandbox.FlowName, Holder);
        var exit = await waiting.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{Locked(shownErrors, errors)}");
        Assert.Contains("1 new row(s)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(sandbox.Services.HelpCrunch.Contacts, c => c.Value<string>("email") == "ben@example.com");
    }

    [Fact]
    public async Task Run_WhenBusy_NamesTheHolderReadably()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        Directory.CreateDirectory(Path.GetDirectoryName(sandbox.StatePath)!);
        using var store = new SqliteStateStore(sandbox.StatePath);
        var started = new DateTime(2026, 11, 25, 14, 48, 15, DateTimeKind.Utc);
        // Another machine's process: never taken over as "gone", so the run is refused.
        Assert.Null(store.TryAcquireLease(Sandbox.FlowName, $"pid 3557 on another-host (started {started.Ticks}), 1a2b3c", TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow));

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("flow 'helpcrunch-contacts' is already running (pid 3557 on another-host, started 2026-11-25 14:48:15Z)", result.Errors, StringComparison.Ordinal);
    }

    /// <summary>The text so far; TextWriter.Synchronized locks the wrapper, so reading takes the same lock.</summary>
    private static string Locked(TextWriter synchronized, StringWriter writer)
    {
        lock (synchronized) return writer.ToString();
    }
}
