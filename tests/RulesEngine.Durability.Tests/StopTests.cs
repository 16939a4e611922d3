using System.Diagnostics;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Emulation;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// 9/13: on SIGTERM no new attempt starts. The real daemon runs the canonical flow while HelpCrunch answers every
/// request with 500; once a request has arrived the daemon gets SIGTERM. It must end gracefully (exit 0: no run had to
/// be cut at --stop-timeout) and HelpCrunch must receive no request after the signal. Asserted on the requests, not on
/// wall-clock time.
/// </summary>
[Trait("Category", "Slow")] // real processes stopped by signals (CONTRIBUTING.md)
public sealed class StopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Sigterm_WhileTheServiceKeepsFailing_StartsNoNewAttempt_AndStopsGracefully()
    {
        // Retries far apart (backoff from 10 s): without the fix they go on after the signal, up to --stop-timeout.
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject
        {
            ["requestsPerMinute"] = 0, ["maxAttempts"] = 10, ["retryDelaySeconds"] = 10, ["timeoutSeconds"] = 30,
        });
        var (first, text) = await _bed.RunAsync(); // an empty sheet: creates the state file, processes nothing
        Assert.True(first == 0, text);
        var rules = Path.Combine(_bed.Directory, "rules");
        Directory.CreateDirectory(rules);
        await _bed.WriteFlowAsync(triggers: new JObject { ["interval"] = 1 }, path: Path.Combine(rules, "contacts.json"));
        _bed.AppendRows(Scenario.Build(_bed, 3));
        _bed.HelpCrunch.Faults.FailRandomly(1.0, 1, Fault.Status(500));

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var daemon = CliProcess.Start(_bed, log.Enqueue, "serve", "--rules", rules, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath,
            "--stop-timeout", "60", "--listen", "none");
        try
        {
            await WaitForAsync(() => _bed.HelpCrunch.Received.Count >= 1 || daemon.HasExited);
        }
        finally
        {
            foreach (var line in log) output.WriteLine(line);
        }
        Assert.False(daemon.HasExited, "the daemon ended before calling HelpCrunch");
        using (var kill = Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        var atSignal = _bed.HelpCrunch.Received.Count;

        using var patience = new CancellationTokenSource(Patience);
        await daemon.WaitForExitAsync(patience.Token);

        foreach (var line in log) output.WriteLine(line);
        output.WriteLine($"HelpCrunch requests before SIGTERM {atSignal}, after it {_bed.HelpCrunch.Received.Count - atSignal}; exit code {daemon.ExitCode}");
        Assert.Equal(atSignal, _bed.HelpCrunch.Received.Count);
        Assert.Equal(0, daemon.ExitCode);
        // The row whose retry was abandoned keeps its place: the next run does it.
        _bed.HelpCrunch.Faults.Clear();
        var (exit, after) = await _bed.RunAsync();
        Assert.True(exit == 0, after);
        Assert.Equal(0, Scenario.Check(_bed, 3, _bed.LatestRows()).Lost);
    }

    /// <summary>The daemon keeps each step's resume policy: an alert whose send was cut off by kill -9 in `serve` is
    /// marked in flight, so under "atMostOnce" the next run records "delivery unknown" instead of sending it blindly.</summary>
    [Fact]
    public async Task Daemon_KilledMidSend_LeavesTheMarker_SoAtMostOnceDoesNotResend()
    {
        var (first, text) = await _bed.RunAsync();
        Assert.True(first == 0, text);
        var rules = Path.Combine(_bed.Directory, "rules");
        Directory.CreateDirectory(rules);
        await _bed.WriteFlowAsync(alert: new JObject { ["delivery"] = "atMostOnce" }, triggers: new JObject { ["interval"] = 1 },
            path: Path.Combine(rules, "contacts.json"));
        await _bed.WriteFlowAsync(alert: new JObject { ["delivery"] = "atMostOnce" });
        _bed.AppendRows(Scenario.Build(_bed, 1, first: 2)); // a row whose create is refused: it takes the alert path
        _bed.Telegram.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10))); // never answered: only the kill ends the send

        using (var daemon = CliProcess.Start(_bed, "serve", "--rules", rules, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath, "--listen", "none"))
        {
            await WaitForAsync(() => _bed.Telegram.Received.Count >= 1 || daemon.HasExited);
            Assert.False(daemon.HasExited, "the daemon ended before sending the alert");
            daemon.Kill(entireProcessTree: true);
            await daemon.WaitForExitAsync();
        }

        var (exit, after) = await _bed.RunAsync();
        Assert.True(exit == 0, after);
        Assert.Empty(_bed.Telegram.SentMessages);
        var row = Assert.Single(_bed.LatestRows().Values);
        Assert.Equal("1", row.Steps.Single(s => s.StepId == "alert").Output.GetValueOrDefault("deliveryUnknown"));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
    }
}
