using System.Diagnostics;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Emulation;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// kill -9 at random moments: the real program runs the canonical flow on a few hundred rows against the emulators
/// and is killed (whole process tree, no chance to clean up) again and again; then one run finishes. The emulators'
/// records must show every row's effect exactly once. RULESENGINE_CRASH_ITERATIONS sets the number of kills (default
/// 25) and RULESENGINE_CRASH_ROWS the rows (default 300), for a longer soak by hand.
/// </summary>
[Trait("Category", "Slow")] // real processes (the built rulesengine, killed with -9) (CONTRIBUTING.md)
public sealed class CrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    /// <summary>
    /// The default batch of 10 rows (one HelpCrunch search and one batch update per batch, the journal's writes grouped
    /// per batch and step) and batches of 50 (five batch updates per search group of ten, 50 answers per commit), whose
    /// kills land inside larger grouped writes. RULESENGINE_CRASH_ITERATIONS / _ROWS set both; the 50-row variant runs 10
    /// kills on 200 rows by default, to stay short.
    /// </summary>
    [Theory]
    [InlineData(10, 25, 300)]
    [InlineData(50, 10, 200)]
    public async Task KilledRuns_LoseNoRow_AndRepeatNoCreateOrAlert(int batchSize, int defaultIterations, int defaultRows)
    {
        var iterations = Setting("RULESENGINE_CRASH_ITERATIONS", defaultIterations);
        var rowCount = Setting("RULESENGINE_CRASH_ROWS", defaultRows);
        await _bed.WriteFlowAsync(batchSize: batchSize);
        // Unpaced, so kills land at every stage of a run; pacing is what the rate tests are for.
        await _bed.WriteConnectionsAsync(
            helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000 });
        _bed.AppendRows(Scenario.Build(_bed, rowCount));
        // Every request takes 25 ms more, so the work spans the kills instead of finishing in the first few starts.
        _bed.HelpCrunch.Faults.FailRandomly(1.0, 1, Fault.Slow(TimeSpan.FromMilliseconds(25)));
        _bed.Telegram.Faults.FailRandomly(1.0, 1, Fault.Slow(TimeSpan.FromMilliseconds(25)));
        var random = new Random(Setting("RULESENGINE_CRASH_SEED", 7));
        var stopwatch = Stopwatch.StartNew();
        int killed = 0, finished = 0;
        for (var i = 0; i < iterations; i++)
        {
            using var process = CliProcess.Start(_bed, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath);
            // Startup (runtime, flow compilation) takes most of a second; kill anywhere from before it to deep in the rows.
            var delay = TimeSpan.FromMilliseconds(random.Next(300, 2500));
            if (process.WaitForExit(delay)) finished++;
            else
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                killed++;
            }
        }
        var crashPhase = stopwatch.Elapsed;

        // Then let it finish (held rows, if any, need another run).
        _bed.HelpCrunch.Faults.Clear();
        _bed.Telegram.Faults.Clear();
        for (var run = 0; run < 5; run++)
        {
            var (exit, text) = await _bed.RunAsync();
            Assert.True(exit == 0, text);
            // The run's summary line, not a progress line ("progress: run ...: ..., 0 held") printed while it worked.
            var summary = text.Split('\n').FirstOrDefault(l => l.StartsWith("run ", StringComparison.Ordinal)) ?? "";
            if (!summary.Contains(" held", StringComparison.Ordinal) || summary.Contains(" 0 held", StringComparison.Ordinal)) break;
        }

        var tally = Scenario.Check(_bed, rowCount, _bed.LatestRows());
        var creates = _bed.HelpCrunch.Received.Count(r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal));
        output.WriteLine($"crash test (batches of {batchSize}): {rowCount} rows, {iterations} starts ({killed} killed with kill -9, {finished} ran to the end) in {crashPhase.TotalSeconds:0.0} s, then finished");
        output.WriteLine($"  rows lost {tally.Lost}, duplicate contacts {tally.DuplicateContacts}, duplicate alerts {tally.DuplicateAlerts} (alerts resent after a cut-off send {tally.AlertsResent})");
        output.WriteLine($"  contacts updated {tally.Updated}, alerts sent {tally.AlertsSent}, alerts with unknown delivery (not resent) {tally.AlertsUnknown}, POST /customers received {creates}");
        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.DuplicateContacts);
        // Alerts are at-least-once by default: a send cut off mid-flight is sent again (marked resent), so a duplicate
        // is allowed only there; none may be "delivery unknown".
        Assert.True(tally.DuplicateAlerts <= tally.AlertsResent, $"{tally.DuplicateAlerts} duplicate alerts, only {tally.AlertsResent} resent");
        Assert.Equal(0, tally.AlertsUnknown);
    }

    /// <summary>
    /// kill -9 during Telegram's retry waits (9/6): Telegram answers a share of sends with 429 (retry_after 1) or a Bot
    /// API 500, and each start is killed shortly after such a refusal, while the client waits to retry. A send known not
    /// to have reached Telegram is simply made again: with "atLeastOnce" (the default) no alert is lost, none is
    /// recorded "delivery unknown", and a duplicate is allowed only for an alert marked resent (a kill in the instant
    /// between Telegram taking a message and its answer being recorded). With "atMostOnce" no alert is ever sent twice;
    /// only such cut-off sends may be "delivery unknown".
    /// RULESENGINE_ALERT_SOAK_ITERATIONS (default 8) and RULESENGINE_ALERT_SOAK_ROWS (default 30) for a longer soak.
    /// </summary>
    [Theory]
    [InlineData("atLeastOnce")]
    [InlineData("atMostOnce")]
    public async Task KilledDuringTelegramRetryWaits_AlertsAreSentAgain_NotLost(string delivery)
    {
        var iterations = Setting("RULESENGINE_ALERT_SOAK_ITERATIONS", 8);
        var rowCount = Setting("RULESENGINE_ALERT_SOAK_ROWS", 30);
        await _bed.WriteConnectionsAsync(
            helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000, ["retryDelaySeconds"] = 0.5, ["maxAttempts"] = 4 });
        await _bed.WriteFlowAsync(alert: new JObject { ["delivery"] = delivery });
        _bed.AppendRows(Scenario.Build(_bed, rowCount));
        _bed.Telegram.Faults.FailRandomly(0.5, 3, Fault.RateLimited(1), Fault.Status(500));
        var random = new Random(Setting("RULESENGINE_CRASH_SEED", 7));
        int killed = 0, finished = 0;
        for (var i = 0; i < iterations; i++)
        {
            var refusedBefore = Refused();
            using var process = CliProcess.Start(_bed, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath);
            // Kill while the client waits to retry: shortly after Telegram refused a send.
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!process.HasExited && Refused() == refusedBefore && !patience.IsCancellationRequested)
                await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
            if (!process.HasExited) await Task.Delay(TimeSpan.FromMilliseconds(random.Next(20, 400)), TimeProvider.System);
            if (process.HasExited) finished++;
            else
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                killed++;
            }
        }

        _bed.Telegram.Faults.Clear();
        for (var run = 0; run < 5; run++)
        {
            var (exit, text) = await _bed.RunAsync();
            Assert.True(exit == 0, text);
            if (!text.Contains(" held", StringComparison.Ordinal) || text.Contains(" 0 held", StringComparison.Ordinal)) break;
        }

        var tally = Scenario.Check(_bed, rowCount, _bed.LatestRows());
        var alerts = Enumerable.Range(0, rowCount).Count(i => Scenario.PathOf(i) == Scenario.Path.Alert);
        output.WriteLine($"telegram retry-wait soak ({delivery}): {rowCount} rows ({alerts} alerts), {iterations} starts ({killed} killed during a retry wait, {finished} ran to the end), {Refused()} sends refused (429/500)");
        output.WriteLine($"  alerts delivered {tally.AlertsSent}, delivery unknown {tally.AlertsUnknown}, duplicates {tally.DuplicateAlerts} (resent after a cut-off send: {tally.AlertsResent}); rows lost {tally.Lost}, duplicate contacts {tally.DuplicateContacts}");
        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.DuplicateContacts);
        if (delivery == "atLeastOnce")
        {
            Assert.Equal(0, tally.AlertsUnknown);
            Assert.Equal(alerts, tally.AlertsSent);
            Assert.True(tally.DuplicateAlerts <= tally.AlertsResent, $"{tally.DuplicateAlerts} duplicate alerts, only {tally.AlertsResent} resent after a cut-off send");
        }
        else
        {
            Assert.Equal(0, tally.DuplicateAlerts);
            Assert.Equal(alerts, tally.AlertsSent + tally.AlertsUnknown);
        }
    }

    private int Refused() => _bed.Telegram.Received.Count(r => r.FaultStatus is 429 or 500);

    internal static int Setting(string name, int defaultValue) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value > 0 ? value : defaultValue;
}
