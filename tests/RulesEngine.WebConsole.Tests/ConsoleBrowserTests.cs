using System.Text.RegularExpressions;
using Microsoft.Playwright;
using RulesEngine.WebConsole.Tests.Support;

namespace RulesEngine.WebConsole.Tests;

/// <summary>
/// The console in a real browser (Chromium through Playwright) against a real serve and the emulators, as an
/// operator uses it: the link in an alert, the buttons, a hostile cell. Each page is saved as a screenshot
/// (TestResults/screenshots/*.png beside the test assembly).
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
public sealed class ConsoleBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Flow = ConsoleBed.CanonicalFlow;
    private ConsoleBed _bed = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _bed = await ConsoleBed.CreateAsync("browser");
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        _context.SetDefaultTimeout((float)ServeProcess.Patience.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        await _bed.DisposeAsync();
    }

    private int Runs() => _bed.ReadState(s => s.ListRuns(Flow, 1000)).Count(r => r.FinishedAt is not null);

    [Fact]
    public async Task TheLinkInATelegramAlert_OpensTheRun_ShowingTheFailingRowsError()
    {
        _bed.AddRow("anna@example.com", "Anna", "+33600000001", "Acme", "en");
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"); // update and create refuse locale 'xx'
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the alert");

        var alert = _bed.Services.Telegram.SentMessages[0].Text;
        var link = Regex.Match(alert, @"Run: (\S+)").Groups[1].Value;
        Assert.StartsWith(_bed.Url + "/runs/", link);
        var page = await _context.NewPageAsync();
        await page.GotoAsync(link);
        var chloe = page.Locator("tr", new() { HasText = "chloe@example.com" });
        await Assertions.Expect(chloe).ToContainTextAsync("locale 'xx' is not an ISO 639-1");
        await Assertions.Expect(chloe.Locator("li", new() { HasText = "alert" })).ToContainTextAsync("ok");
        await Assertions.Expect(chloe.Locator("details")).ToHaveCountAsync(2); // each If's explanation is there to open
        await BrowserFixture.ScreenshotAsync(page, "run-page");

        await page.GetByRole(AriaRole.Link, new() { Name = "rows that need a person" }).ClickAsync();
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("No row of this run needs a person"); // the alert handled it
        await page.GetByRole(AriaRole.Link, new() { Name = Flow }).First.ClickAsync();
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync(Path.Combine(_bed.Rules, Flow + ".json"));
        await BrowserFixture.ScreenshotAsync(page, "flow-page");
    }

    [Fact]
    public async Task SwitchingAFlowOff_StopsTheDaemonRunningIt_AndOnAgainRunsIt()
    {
        await _bed.WriteCanonicalFlowAsync("00:00:01"); // runs every second while on
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => Runs() >= 2, "two scheduled runs");
        var page = await _context.NewPageAsync();
        await page.GotoAsync(_bed.Url + "/");
        await BrowserFixture.ScreenshotAsync(page, "home-page");

        await page.Locator($"tr[data-flow='{Flow}']").GetByRole(AriaRole.Button, new() { Name = "Switch off" }).ClickAsync();
        await Assertions.Expect(page.Locator(".note")).ToContainTextAsync("Switched off");
        await _bed.Daemon.WaitForLineAsync($"Flow {Flow} switched off");
        // The daemon took the switch: any run it had started has ended; from now on the count must not move. A row
        // added now is the witness: a run would take it.
        await _bed.Daemon.WaitUntilAsync(() => _bed.ReadState(s => s.ListRuns(Flow, 1))[0].FinishedAt is not null, "the run in flight to end");
        var runsWhenOff = Runs();
        _bed.AddRow("dan@example.com", "Dan", "+33600000002", "Globex", "en");
        var started = _bed.Daemon.Lines.Count(l => l.Contains($"Starting {Flow}", StringComparison.Ordinal));
        // A witness flow on an empty sheet runs every second too: three of its runs prove the off flow was due and
        // the daemon let it pass.
        _bed.Services.Sheets.AddSheet(ConsoleBed.Spreadsheet, "Witness", [ConsoleBed.Header]);
        await _bed.WriteCanonicalFlowAsync("00:00:01", "witness.json", "witness", sheet: "Witness");
        await _bed.Daemon.WaitUntilAsync(() => _bed.Daemon.Lines.Count(l => l.Contains("Starting witness", StringComparison.Ordinal)) >= 3, "three runs of the witness flow");
        Assert.Equal(started, _bed.Daemon.Lines.Count(l => l.Contains($"Starting {Flow}", StringComparison.Ordinal)));
        Assert.Equal(runsWhenOff, Runs());
        Assert.Empty(_bed.Services.HelpCrunch.Contacts);

        await page.GotoAsync(_bed.Url + "/flows/" + Flow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch on" }).ClickAsync();
        await Assertions.Expect(page.Locator(".note")).ToContainTextAsync("Switched on");
        await _bed.Daemon.WaitUntilAsync(() => Runs() > runsWhenOff, "a run after switching on");
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.HelpCrunch.Contacts.Count == 1, "the row added while off, processed once on");
    }

    [Fact]
    public async Task RunNow_StartsARunThatTakesTheNewRow()
    {
        await _bed.StartServeAsync(); // hourly: it runs once at start, then not for an hour
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 1, "the first run");
        _bed.AddRow("erin@example.com", "Erin", "+33600000003", "Umbrella", "en");
        var page = await _context.NewPageAsync();
        await page.GotoAsync(_bed.Url + "/flows/" + Flow);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync();
        await Assertions.Expect(page.Locator(".note")).ToContainTextAsync("Run requested");
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 2, "the run asked for");
        await _bed.Daemon.WaitForLineAsync($"Starting {Flow} (run now, asked in the console)");
        Assert.Single(_bed.Services.HelpCrunch.Contacts);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("table.runs tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.runs tbody tr").First).ToContainTextAsync("completed");
    }

    [Fact]
    public async Task ReplayingAHeldRow_FromTheRunPage_DeliversItsAlert()
    {
        await _bed.TelegramTriesOnceAsync();
        _bed.Services.Telegram.Faults.FailRandomly(1.0, 1, Emulation.Fault.Status(503)); // Telegram is down: the alert's row is held
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx");
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 1, "the first run");
        var runId = _bed.ReadState(s => s.ListRuns(Flow, 1))[0].Id;
        Assert.Equal(1, _bed.ReadState(s => s.CountOpenRows(Flow)).Held);

        _bed.Services.Telegram.Faults.Clear(); // Telegram is back
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"{_bed.Url}/flows/{Flow}/open");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "chloe@example.com" })).ToContainTextAsync("held");
        await BrowserFixture.ScreenshotAsync(page, "open-rows-page");
        await page.GotoAsync($"{_bed.Url}/runs/{runId}?filter=open");
        await page.Locator("tr", new() { HasText = "chloe@example.com" }).GetByRole(AriaRole.Button, new() { Name = "Replay this row" }).ClickAsync();
        await Assertions.Expect(page.Locator(".note")).ToContainTextAsync("Replay started");
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the replayed alert");
        await _bed.Daemon.WaitUntilAsync(() => _bed.ReadState(s => s.CountOpenRows(Flow)).NeedsPerson == 0, "the row to need no one");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".note").Last).ToContainTextAsync("replayed 1 row(s), 0 still need a person");
    }

    [Fact]
    public async Task ARowWhoseDeliveryIsUnknown_IsSentAgain_OnlyAfterTheConfirmPageIsTicked()
    {
        await _bed.AlertWithUnknownDeliveryAsync("chloe@example.com");
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 1, "the first run");
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"{_bed.Url}/flows/{Flow}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).ClickAsync(); // at most once: not sent again, delivery unknown
        await _bed.Daemon.WaitUntilAsync(() => _bed.ReadState(s => s.CountOpenRows(Flow)).DeliveryUnknown == 1, "the alert's delivery to be unknown");
        Assert.Empty(_bed.Services.Telegram.SentMessages);

        await page.GotoAsync($"{_bed.Url}/flows/{Flow}/open");
        var chloe = page.Locator("tr", new() { HasText = "chloe@example.com" });
        await Assertions.Expect(chloe).ToContainTextAsync("alert: delivery unknown");
        await chloe.GetByRole(AriaRole.Link, new() { Name = "Replay calling every step again…" }).ClickAsync();
        await Assertions.Expect(page.Locator("ul.twice")).ToContainTextAsync("alert: its delivery is unknown: if the earlier attempt did arrive, it arrives a second time");
        await BrowserFixture.ScreenshotAsync(page, "forced-replay-confirm");
        var send = page.GetByRole(AriaRole.Button, new() { Name = "Replay, calling every step again" });
        await send.ClickAsync(); // the box is not ticked: the browser does not even send the form
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("calling every step again");
        Assert.Empty(_bed.Services.Telegram.SentMessages);

        await page.GetByRole(AriaRole.Checkbox).CheckAsync();
        await send.ClickAsync();
        await Assertions.Expect(page.Locator(".note")).ToContainTextAsync("Replay started, calling every step again");
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the alert sent again");
        await _bed.Daemon.WaitUntilAsync(() => _bed.ReadState(s => s.CountOpenRows(Flow)).NeedsPerson == 0, "the row to need no one");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".note").Last).ToContainTextAsync("replayed 1 row(s) calling every step again, 0 still need a person");
    }

    [Fact]
    public async Task ARowNamedAScript_ShowsAsText_AndRunsNothing()
    {
        _bed.AddRow("mallory@example.com", "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "Initech", "xx");
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 1, "the first run");
        var runId = _bed.ReadState(s => s.ListRuns(Flow, 1))[0].Id;
        var page = await _context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await page.GotoAsync($"{_bed.Url}/runs/{runId}");
        var row = page.Locator("tr", new() { HasText = "mallory@example.com" });
        await Assertions.Expect(row.Locator("dd", new() { HasText = "<script>alert(1)</script>" })).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("dd", new() { HasText = "<img src=x onerror=alert(2)>" })).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "hostile-row");
        await page.GotoAsync($"{_bed.Url}/flows/{Flow}/open");
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task WithATokenSet_ThePagesNeedIt()
    {
        const string token = "browser-test-console-token-42";
        await _bed.StartServeAsync(token);
        await _bed.Daemon.WaitUntilAsync(() => Runs() == 1, "the first run");
        var page = await _context.NewPageAsync();
        await page.GotoAsync($"{_bed.Url}/flows/{Flow}");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login\\?next="));
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Runs");
        await BrowserFixture.ScreenshotAsync(page, "login-page");

        await page.GetByLabel("Console token").FillAsync("not the token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=alert]")).ToContainTextAsync("not the console token");

        await page.GetByLabel("Console token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync($"{_bed.Url}/flows/{Flow}");
        await Assertions.Expect(page.Locator("h2").First).ToContainTextAsync("Runs");
        Assert.DoesNotContain(token, await page.ContentAsync());
        var cookie = (await _context.CookiesAsync()).Single(c => c.Name == "rulesengine_console");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync($"{_bed.Url}/");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/login"));
    }
}
