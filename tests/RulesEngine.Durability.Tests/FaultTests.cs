using Newtonsoft.Json.Linq;
using RulesEngine.Core.State;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Emulation;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// "No answer is not an answer", end to end: faults injected by the emulators (429 with retry-after 1, 500, a delay
/// past the timeout, a dropped connection) become retries, and what is still unanswered after them is held (pending,
/// with its reason), never routed to create or alert; the next run finishes it.
/// </summary>
[Trait("Category", "Slow")] // real waits: faults that answer after seconds so clients time out (CONTRIBUTING.md)
public sealed class FaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task AFifthOfCallsFailing_EveryWay_EndsProcessedOrHeld_AndTheNextRunsFinish()
    {
        const int rows = 60;
        await ShortTimeouts();
        _bed.AppendRows(Scenario.Build(_bed, rows));
        Fail(_bed.HelpCrunch.Faults, 11, TimeSpan.FromSeconds(1.5));
        Fail(_bed.Telegram.Faults, 12, TimeSpan.FromSeconds(1.5));
        Fail(_bed.Sheets.Faults, 13, TimeSpan.FromSeconds(2.5));

        var (exit, text) = await _bed.RunAsync();
        Assert.True(exit is 0 or 2, text); // 2: the sheet could not be read this time; nothing else may happen
        var first = _bed.LatestRows();
        Assert.All(first.Values, row => Assert.True(
            row.Status is RowStatus.Done || (row.Status is RowStatus.Held && row.Error.Length > 0),
            $"row {row.Number}: {row.Status} {row.Error}"));
        var heldAfterFirst = first.Values.Count(r => r.Status == RowStatus.Held);

        var runs = 1;
        for (; runs < 8 && !AllDone(rows); runs++)
            Assert.True((await _bed.RunAsync()).Exit is 0 or 2);

        var tally = Scenario.Check(_bed, rows, _bed.LatestRows());
        var injected = _bed.HelpCrunch.Received.Count(r => r.FaultStatus is not null) + _bed.Telegram.Received.Count(r => r.FaultStatus is not null);
        output.WriteLine($"faults: {rows} rows; after run 1: {first.Count} recorded, {heldAfterFirst} held (pending); all done after {runs} runs");
        output.WriteLine($"  HelpCrunch requests {_bed.HelpCrunch.Received.Count}, Telegram {_bed.Telegram.Received.Count}, Sheets {_bed.Sheets.Received.Count}; answered with an injected error status: {injected}");
        output.WriteLine($"  lost {tally.Lost}, duplicate contacts {tally.DuplicateContacts}, duplicate alerts {tally.DuplicateAlerts} (resent after a send that timed out: {tally.AlertsResent}), alerts with unknown delivery {tally.AlertsUnknown}");
        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.DuplicateContacts);
        // Alerts are at-least-once by default: a send that timed out after Telegram took it is sent again (marked
        // resent), the one kind of duplicate allowed; none is left "delivery unknown".
        Assert.True(tally.DuplicateAlerts <= tally.AlertsResent, $"{tally.DuplicateAlerts} duplicate alerts, only {tally.AlertsResent} resent");
        Assert.Equal(0, tally.AlertsUnknown);
    }

    [Fact]
    public async Task Timeout_OnUpdate_HoldsTheRow_ShowsItPending_AndNeverCreates()
    {
        await FastRetries(helpCrunchTimeout: GiveUpAfter);
        _bed.HelpCrunch.AddContact("known@example.com", name: "Old");
        _bed.AppendRows([["known@example.com", "New", "u1", "en"]]);
        for (var i = 0; i < 3; i++) _bed.HelpCrunch.Faults.FailNext(Unanswered, "/customers/search");

        var (_, text) = await _bed.RunAsync();
        Has(text, "1 held");
        Assert.DoesNotContain(_bed.HelpCrunch.Received, r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal));

        var (_, history) = await _bed.CliAsync("history", "contacts", "--failed", "--state", _bed.StatePath);
        Has(history, "pending");
        Has(history, "did not answer");

        await FastRetries();
        var (_, second) = await _bed.RunAsync();
        Has(second, "update: ok");
        Assert.Single(_bed.HelpCrunch.Contacts);
        Assert.Equal("New", _bed.HelpCrunch.Contacts[0].Value<string>("name"));
    }

    [Fact]
    public async Task CreateAnsweredWith500AfterActing_IsFoundNotCreatedAgain()
    {
        await FastRetries();
        _bed.AppendRows([["late@example.com", "Late", "u9", "en"]]);
        // The update's search goes through (a zero delay is no fault); from then on HelpCrunch answers 500 to
        // everything: the create, and the searches the step makes before trying again. The row is held, its
        // create marked as possibly done.
        _bed.HelpCrunch.Faults.FailNext(Fault.Slow(TimeSpan.Zero), "/customers/search");
        for (var i = 0; i < 20; i++) _bed.HelpCrunch.Faults.FailNext(Fault.Status(500));
        var (_, first) = await _bed.RunAsync();
        Has(first, "held");

        // HelpCrunch had in fact created it before failing to answer.
        _bed.HelpCrunch.AddContact("late@example.com", name: "Late", userId: "u9");
        _bed.HelpCrunch.Faults.Clear();
        _bed.HelpCrunch.Host.ClearReceived();
        var (_, second) = await _bed.RunAsync();
        Assert.Single(_bed.HelpCrunch.Contacts);
        Assert.DoesNotContain(_bed.HelpCrunch.Received, r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal));
        Has(second, "found=1");
    }

    [Fact]
    public async Task AlertThatTimedOut_UnderAtMostOnce_IsNotResent_AndHistorySaysDeliveryIsUnknown()
    {
        await FastRetries(telegramTimeout: GiveUpAfter);
        await _bed.WriteFlowAsync(alert: new JObject { ["delivery"] = "atMostOnce" });
        _bed.HelpCrunch.AddContact(new JObject { ["email"] = "owner@elsewhere.com", ["userId"] = "taken" });
        _bed.AppendRows([["clash@example.com", "Clash", "taken", "en"]]);
        _bed.Telegram.Faults.FailNext(Unanswered);

        var (_, first) = await _bed.RunAsync();
        Has(first, "1 held");
        await FastRetries();
        var (_, second) = await _bed.RunAsync();
        Has(second, "not sent again");
        var (_, history) = await _bed.CliAsync("history", "contacts", "--failed", "--state", _bed.StatePath);
        Has(history, "may or may not have been delivered");
        var sentBefore = _bed.Telegram.SentMessages.Count;

        // A person decides to send it anyway.
        var (exit, replay) = await _bed.CliAsync("replay", _bed.FlowPath, "--failed", "--force", "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath);
        Assert.True(exit == 0, replay);
        Assert.Equal(sentBefore + 1, _bed.Telegram.SentMessages.Count);
    }

    [Fact]
    public async Task AlertThatTimedOut_IsSentAgainByDefault_AndMarkedResent()
    {
        await FastRetries(telegramTimeout: GiveUpAfter);
        _bed.HelpCrunch.AddContact(new JObject { ["email"] = "owner@elsewhere.com", ["userId"] = "taken" });
        _bed.AppendRows([["clash@example.com", "Clash", "taken", "en"]]);
        _bed.Telegram.Faults.FailNext(Unanswered);

        var (_, first) = await _bed.RunAsync();
        Has(first, "1 held");
        // The emulator took the send and never answered it: only the client's timeout ended it.
        Assert.Single(_bed.Telegram.Received, r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal));
        Assert.Empty(_bed.Telegram.SentMessages);
        await FastRetries();
        var (_, second) = await _bed.RunAsync();
        Has(second, "alert: ok");
        Has(second, "resent=1");
        // The emulator dropped the timed-out attempt when the client gave up on it, so here it was not a duplicate.
        Assert.Single(_bed.Telegram.SentMessages);
        Assert.Equal(2, _bed.Telegram.Received.Count(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AlertRefusedWith429_IsSentOnTheNextRun()
    {
        await FastRetries();
        _bed.HelpCrunch.AddContact(new JObject { ["email"] = "owner@elsewhere.com", ["userId"] = "taken" });
        _bed.AppendRows([["clash@example.com", "Clash", "taken", "en"]]);
        for (var i = 0; i < 3; i++) _bed.Telegram.Faults.FailNext(Fault.RateLimited(1));

        var (_, first) = await _bed.RunAsync();
        Has(first, "1 held");
        Assert.Empty(_bed.Telegram.SentMessages);
        var (_, second) = await _bed.RunAsync();
        Assert.Single(_bed.Telegram.SentMessages);
        Has(second, "alert: ok");
    }

    private static void Has(string text, string expected) => Assert.True(text.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in:\n{text}");

    private bool AllDone(int rows) =>
        _bed.LatestRows().Values.Count(r => r.LatestStatus == RowStatus.Done) >= rows;

    /// <summary>A request the emulator takes and never answers: it is held until the client gives up and disconnects
    /// (the emulator ends the delay then), so no answer can race the client's timeout however loaded the machine is.</summary>
    private static readonly Fault Unanswered = Fault.Slow(TimeSpan.FromMinutes(10));

    /// <summary>The one timeout a test means to hit, on the one service it holds a request of. Only the request's
    /// arrival races it (the emulator never answers), so it is long enough for a loaded machine to send one request
    /// over loopback and still short enough to keep the test quick.</summary>
    private const double GiveUpAfter = 3;

    /// <summary>Timeouts no request is meant to reach: on a loaded machine an ordinary answer can take seconds, and a
    /// timeout it hit by accident would hold a row the test expects done.</summary>
    private const double NoTimeout = 120;

    /// <summary>Quick retries and no pacing; every timeout generous unless a test means one to fire (that test turns
    /// it generous again before the run that must succeed).</summary>
    private Task FastRetries(double helpCrunchTimeout = NoTimeout, double telegramTimeout = NoTimeout) => _bed.WriteConnectionsAsync(
        google: new JObject { ["timeoutSeconds"] = NoTimeout },
        helpCrunch: new JObject { ["timeoutSeconds"] = helpCrunchTimeout, ["retryDelaySeconds"] = 0.05, ["maxAttempts"] = 3, ["requestsPerMinute"] = 0 },
        telegram: new JObject { ["timeoutSeconds"] = telegramTimeout, ["retryDelaySeconds"] = 0.05, ["maxAttempts"] = 3, ["perChatIntervalSeconds"] = 0 });

    /// <summary>The random-fault mix: its slow faults answer after the client's short timeouts, and the test accepts
    /// either ending for every request (done or held), so here the short timeouts are the point, not a hazard.</summary>
    private Task ShortTimeouts() => _bed.WriteConnectionsAsync(
        google: new JObject { ["timeoutSeconds"] = 1 },
        helpCrunch: new JObject { ["timeoutSeconds"] = 0.5, ["retryDelaySeconds"] = 0.05, ["maxAttempts"] = 3, ["requestsPerMinute"] = 0 },
        telegram: new JObject { ["timeoutSeconds"] = 0.5, ["retryDelaySeconds"] = 0.05, ["maxAttempts"] = 3, ["perChatIntervalSeconds"] = 0 });

    private static void Fail(FaultPlan plan, int seed, TimeSpan slow) =>
        plan.FailRandomly(0.2, seed, Fault.RateLimited(1), Fault.Status(500), Fault.Slow(slow), Fault.Drop());
}
