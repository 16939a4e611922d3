using System.Diagnostics;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Durability.Tests.Support;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// The emulators enforce the services' limits (HelpCrunch 120 requests a minute, Telegram one message a second per
/// chat); the clients pace themselves so that almost nothing is refused, and a flow waits rather than fails.
/// Also the throughput benchmark at the HelpCrunch limit: it prints figures and asserts no wall-clock time.
/// RULESENGINE_BENCH_ROWS sets the rows (default 70: 140 requests, just past one minute's allowance).
/// <para>These run on the real clock against limits the emulators enforce on the real clock, so how many requests
/// a loaded machine gets refused is a figure printed here, not an assertion (a bound on it flaked under load). What
/// is asserted holds on any machine: every row gets through, nothing is held or sent twice. The pacing itself is
/// checked on a fake clock (Telegram: SendMessageTests.SendMessage_PacesMessagesToOneChat_InsteadOfHitting429).</para>
/// </summary>
[Trait("Category", "Slow")] // real waits: pacing at the services' limits, on the system clock (CONTRIBUTING.md)
public sealed class RateLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() =>
        _bed = await TestBed.StartAsync(new HelpCrunchEmulatorOptions { EnforceRateLimit = true, RequestsPerMinute = 120 });

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task HelpCrunchAtItsLimit_EveryRowGetsThrough_AndReportsThroughput()
    {
        var rows = CrashTests.Setting("RULESENGINE_BENCH_ROWS", 70);
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 120 });
        // Update-only rows: two requests each (search, then PATCH).
        var seeded = new List<string[]>();
        for (var i = 0; i < rows; i++)
        {
            _bed.HelpCrunch.AddContact($"known{i}@example.com", name: "Old");
            seeded.Add([$"known{i}@example.com", $"Person {i}", $"u{i}", "en"]);
        }
        _bed.AppendRows(seeded);

        var stopwatch = Stopwatch.StartNew();
        var (exit, text) = await _bed.RunAsync();
        stopwatch.Stop();
        Assert.True(exit == 0, text);

        var expected = rows * 2;
        var received = _bed.HelpCrunch.Received.Count;
        var refused = received - expected;
        var minutes = stopwatch.Elapsed.TotalMinutes;
        output.WriteLine($"HelpCrunch at 120/min: {rows} rows, {expected} requests needed, {received} received, {refused} refused (429) by the emulated limit");
        output.WriteLine($"  wall time {stopwatch.Elapsed.TotalSeconds:0.0} s: {rows / minutes:0.0} rows/min, {received / minutes:0.0} requests/min " +
            "(the first minute's 120 go at once, then the window frees permits as it slides)");
        Assert.Equal(rows, _bed.HelpCrunch.Contacts.Count);
        Assert.All(_bed.HelpCrunch.Contacts, c => Assert.StartsWith("Person ", c.Value<string>("name")));
    }

    [Fact]
    public async Task TelegramOneChat_AtItsLimit_DeliversEveryAlertOnce_AndReportsRefusals()
    {
        _bed.Telegram.LimitPerChat(TimeSpan.FromSeconds(1));
        // Paced at exactly 1.000 s, loopback jitter makes a strict limiter see 0.999 s now and then (the 429 is
        // retried, nothing is lost); a 5% margin in the connection removes even that.
        await _bed.WriteConnectionsAsync(
            helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 1.05 });
        const int alerts = 6;
        var rows = new List<string[]>();
        for (var i = 0; i < alerts; i++)
        {
            _bed.HelpCrunch.AddContact(new JObject { ["email"] = $"owner{i}@elsewhere.com", ["userId"] = $"taken{i}" });
            rows.Add([$"clash{i}@example.com", $"Clash {i}", $"taken{i}", "en"]);
        }
        _bed.AppendRows(rows);

        var (exit, text) = await _bed.RunAsync();
        Assert.True(exit == 0, text);
        var sent = _bed.Telegram.SentMessages;
        var refused = _bed.Telegram.Received.Count - sent.Count;
        var gaps = sent.Zip(sent.Skip(1), (a, b) => (b.SentAt - a.SentAt).TotalSeconds).ToList();
        output.WriteLine($"Telegram, one chat limited to 1/s: {sent.Count} messages, {refused} refused, smallest gap {(gaps.Count > 0 ? gaps.Min() : 0):0.000} s");
        Assert.Equal(alerts, sent.Count);
        Assert.Equal(alerts, sent.Select(m => m.Text).Distinct().Count());
    }
}
