using System.Net;
using System.Text.RegularExpressions;
using RulesEngine.Cli.Demo;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.WebConsole.Tests.Support;

namespace RulesEngine.WebConsole.Tests;

/// <summary>The console over plain HTTP, against a real serve and the emulators: forgery, tokens, headers, secrets.</summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
public sealed class ConsoleHttpTests : IAsyncLifetime
{
    private const string Token = "console-token-for-tests-0123456789abcdef";
    private ConsoleBed _bed = null!;

    public async Task InitializeAsync() => _bed = await ConsoleBed.CreateAsync("http");

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private async Task<string> FirstRunIdAsync()
    {
        await _bed.Daemon.WaitUntilAsync(() => _bed.ReadState(s => s.ListRuns(ConsoleBed.CanonicalFlow, 1)) is [{ FinishedAt: not null }], "the first run to finish");
        return _bed.ReadState(s => s.ListRuns(ConsoleBed.CanonicalFlow, 1))[0].Id;
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused_AndSwitchesNothing()
    {
        await _bed.StartServeAsync();
        await FirstRunIdAsync();
        var cookies = new CookieContainer();
        var client = _bed.Client(cookies);
        var home = await client.GetStringAsync("/"); // the browser's antiforgery cookie is set, as after a real visit
        var off = Forms.Post(("on", "false"));

        var bare = await client.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/switch", off);
        var forged = await client.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/switch", Forms.Post(("on", "false"), ("__RequestVerificationToken", "forged")));
        var runNow = await client.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/run", Forms.Post());

        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, runNow.StatusCode);
        Assert.True(_bed.ReadState(s => s.IsEnabled(ConsoleBed.CanonicalFlow)), "a forged POST switched the flow off");
        Assert.Single(_bed.ReadState(s => s.ListRuns(ConsoleBed.CanonicalFlow, 10))); // and started no run

        // The same POST with the page's token is what the button sends: it works.
        var real = await client.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/switch", Forms.Post(("on", "false"), ("__RequestVerificationToken", Forms.AntiforgeryToken(home))));
        Assert.Equal(HttpStatusCode.SeeOther, real.StatusCode);
        Assert.False(_bed.ReadState(s => s.IsEnabled(ConsoleBed.CanonicalFlow)));
    }

    [Fact]
    public async Task AForcedReplayPost_WithoutTheTickedBox_ReplaysNothing()
    {
        await _bed.AlertWithUnknownDeliveryAsync("chloe@example.com");
        await _bed.StartServeAsync();
        var runId = await FirstRunIdAsync();
        var row = Assert.Single(_bed.ReadState(s => s.ListOpenRows(ConsoleBed.CanonicalFlow)));
        Assert.Equal(Core.State.RowStatus.Held, row.Status); // its send may have gone out
        var client = _bed.Client(new CookieContainer());
        var open = await client.GetStringAsync($"/flows/{ConsoleBed.CanonicalFlow}/open");
        var link = System.Net.WebUtility.HtmlDecode(Regex.Match(open, "<a class=\"force\" href=\"([^\"]+)\"").Groups[1].Value);
        Assert.Equal($"/runs/{runId}/replay-force?row={Uri.EscapeDataString(row.Key)}", link);
        var confirm = await client.GetStringAsync(link);
        var token = Forms.AntiforgeryToken(confirm);
        var sendsBefore = Sends();

        var unticked = await client.PostAsync($"/runs/{runId}/replay-force", Forms.Post(("row", row.Key), ("__RequestVerificationToken", token)));
        var wrongValue = await client.PostAsync($"/runs/{runId}/replay-force", Forms.Post(("row", row.Key), ("confirm", "on"), ("__RequestVerificationToken", token)));
        var noToken = await client.PostAsync($"/runs/{runId}/replay-force", Forms.Post(("row", row.Key), ("confirm", "yes")));
        var otherRow = await client.PostAsync($"/runs/{runId}/replay-force", Forms.Post(("row", "no-such-row"), ("confirm", "yes"), ("__RequestVerificationToken", token)));

        Assert.Equal(HttpStatusCode.BadRequest, unticked.StatusCode);
        Assert.Contains("nothing was replayed", await unticked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrongValue.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherRow.StatusCode);
        Assert.Single(_bed.ReadState(s => s.ListRuns(ConsoleBed.CanonicalFlow, 10))); // no replay run was started
        Assert.Equal(sendsBefore, Sends());
        Assert.DoesNotContain("Console replay", string.Join("\n", _bed.Daemon.Lines), StringComparison.Ordinal);

        // The same form with the box ticked is the CLI's replay --force: the alert goes out again.
        var ticked = await client.PostAsync($"/runs/{runId}/replay-force", Forms.Post(("row", row.Key), ("confirm", "yes"), ("__RequestVerificationToken", token)));
        Assert.Equal(HttpStatusCode.SeeOther, ticked.StatusCode);
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the alert sent again");
        Assert.Equal(sendsBefore + 1, Sends());

        int Sends() => _bed.Services.Telegram.Received.Count(r => r.Path.EndsWith("/sendMessage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListeningBeyondLoopbackWithoutAToken_RefusesToStart_NamingTheVariable()
    {
        using var refused = ServeProcess.Start(new Dictionary<string, string?> { [ConsoleSettings.TokenVariable] = null },
            "serve", "--rules", _bed.Rules, "--connections", _bed.Services.ConnectionsPath, "--state", _bed.State, "--create-state", "--listen", "http://0.0.0.0:0");
        Assert.Equal(2, await refused.WaitForExitAsync());
        Assert.Contains(refused.Lines, l => l.Contains(ConsoleSettings.TokenVariable, StringComparison.Ordinal));
        Assert.False(File.Exists(_bed.State), "it refused before creating anything");

        using var withToken = ServeProcess.Start(new Dictionary<string, string?> { [ConsoleSettings.TokenVariable] = Token },
            "serve", "--rules", _bed.Rules, "--connections", _bed.Services.ConnectionsPath, "--state", _bed.State, "--create-state", "--listen", "http://0.0.0.0:0");
        await withToken.ConsoleUrlAsync();
    }

    [Fact]
    public async Task EveryAnswer_CarriesAStrictContentSecurityPolicy_NoSniff_AndNoFraming()
    {
        await _bed.StartServeAsync();
        var runId = await FirstRunIdAsync();
        var client = _bed.Client();
        foreach (var path in new[] { "/", $"/flows/{ConsoleBed.CanonicalFlow}", $"/flows/{ConsoleBed.CanonicalFlow}/open", $"/runs/{runId}", "/runs/no-such-run", "/console.css", "/progress" })
        {
            using var answer = await client.GetAsync(path);
            var csp = string.Join(" ", answer.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", csp);
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("DENY", Assert.Single(answer.Headers.GetValues("X-Frame-Options")));
        }
        using var refused = await client.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/run", Forms.Post());
        Assert.Equal("DENY", Assert.Single(refused.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task WithATokenSet_EveryPageNeedsIt_ByCookieFromTheSignInForm_OrBearer()
    {
        await _bed.StartServeAsync(Token);
        var runId = await FirstRunIdAsync();
        var anonymous = _bed.Client();
        string[] pages = ["/", $"/flows/{ConsoleBed.CanonicalFlow}", $"/flows/{ConsoleBed.CanonicalFlow}/open", $"/runs/{runId}", "/progress", "/console.js"];
        foreach (var path in pages)
        {
            using var plain = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, plain.StatusCode);
            using var browser = new HttpRequestMessage(HttpMethod.Get, path);
            browser.Headers.Accept.ParseAdd("text/html");
            using var redirected = await anonymous.SendAsync(browser);
            Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
            Assert.StartsWith("/login?next=", redirected.Headers.Location!.OriginalString);
            Assert.DoesNotContain(ConsoleBed.CanonicalFlow + "</a>", await redirected.Content.ReadAsStringAsync());
        }
        using (var post = await anonymous.PostAsync($"/flows/{ConsoleBed.CanonicalFlow}/switch", Forms.Post(("on", "false"))))
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.True(_bed.ReadState(s => s.IsEnabled(ConsoleBed.CanonicalFlow)));

        // Scripts: Authorization: Bearer.
        foreach (var path in pages)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", Token);
            using var answer = await anonymous.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // People: the sign-in form sets an HttpOnly, SameSite cookie that is not the token.
        var cookies = new CookieContainer();
        var browserClient = _bed.Client(cookies);
        var form = await browserClient.GetStringAsync("/login?next=/flows/" + ConsoleBed.CanonicalFlow);
        using (var wrong = await browserClient.PostAsync("/login", Forms.Post(("__RequestVerificationToken", Forms.AntiforgeryToken(form)), ("token", "wrong"), ("next", "/"))))
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var signIn = await browserClient.PostAsync("/login", Forms.Post(
            ("__RequestVerificationToken", Forms.AntiforgeryToken(form)), ("token", Token), ("next", "/flows/" + ConsoleBed.CanonicalFlow)));
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/flows/" + ConsoleBed.CanonicalFlow, signIn.Headers.Location!.OriginalString);
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("rulesengine_console=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, setCookie);
        Assert.Contains(ConsoleBed.CanonicalFlow, await browserClient.GetStringAsync("/"));

        // An open redirect is not offered: "next" outside the console goes home.
        using var away = await browserClient.PostAsync("/login", Forms.Post(
            ("__RequestVerificationToken", Forms.AntiforgeryToken(form)), ("token", Token), ("next", "//evil.example.com/")));
        Assert.Equal("/", away.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task WrongTokens_AreRateLimitedPerAddress()
    {
        await _bed.StartServeAsync(Token);
        var client = _bed.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Security.LoginThrottle.MaxFailures + 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Authorization = new("Bearer", "guess-" + i);
            using var answer = await client.SendAsync(request);
            statuses.Add(answer.StatusCode);
        }
        Assert.All(statuses.Take(Security.LoginThrottle.MaxFailures), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.All(statuses.Skip(Security.LoginThrottle.MaxFailures), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        // Even the right token waits out the window: a guesser cannot tell a hit from a miss.
        using var right = new HttpRequestMessage(HttpMethod.Get, "/");
        right.Headers.Authorization = new("Bearer", Token);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task NoSecretAppearsOnAnyPage_EvenWhenASheetCellHoldsOne_AndAScriptCellIsText()
    {
        // A row that fails (locale 'xx'), whose cells hold a secret and markup.
        _bed.AddRow("chloe@example.com", "<script>alert(1)</script>", "+33612345678", "key " + EmulatedServices.HelpCrunchApiKey, "xx");
        await _bed.StartServeAsync(Token);
        var runId = await FirstRunIdAsync();
        var cookies = new CookieContainer();
        var client = _bed.Client(cookies);
        var form = await client.GetStringAsync("/login");
        var pages = new Dictionary<string, string> { ["/login"] = form };
        await client.PostAsync("/login", Forms.Post(("__RequestVerificationToken", Forms.AntiforgeryToken(form)), ("token", Token), ("next", "/")));
        foreach (var path in new[] { "/", $"/flows/{ConsoleBed.CanonicalFlow}", $"/flows/{ConsoleBed.CanonicalFlow}/open", $"/runs/{runId}", $"/runs/{runId}?filter=open", "/progress" })
            pages[path] = await client.GetStringAsync(path);

        string[] secrets = [Token, EmulatedServices.HelpCrunchApiKey, EmulatedServices.GoogleApiKey, TelegramEmulator.DefaultToken, EmulatedServices.SmtpPassword];
        foreach (var (path, page) in pages)
            foreach (var secret in secrets)
                Assert.False(page.Contains(secret, StringComparison.Ordinal), $"{path} shows a secret");
        var run = pages[$"/runs/{runId}"];
        Assert.Contains("key ***", run); // the cell is shown, its secret masked
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", run);
        Assert.DoesNotContain("<script>alert", run);
    }

    [Fact]
    public async Task Metrics_AreServedBehindTheToken_WithTheRunsRows_AndNoSecret()
    {
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"); // fails: an alert is sent
        await _bed.StartServeAsync(Token);
        await FirstRunIdAsync();
        var client = _bed.Client();
        using (var anonymous = await client.GetAsync("/metrics"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", Token);
        using var answer = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var text = await answer.Content.ReadAsStringAsync();
        // The serve host's meter provider, served by the console's own web application.
        Assert.Matches($@"rulesengine_runs_total\{{[^}}]*flow=""{ConsoleBed.CanonicalFlow}""[^}}]*result=""completed""[^}}]*\}} [1-9]", text);
        Assert.Matches(@"rulesengine_api_requests_total\{[^}]*service=""telegram""[^}]*status=""200""[^}]*\} 1", text);
        foreach (var secret in new[] { Token, EmulatedServices.HelpCrunchApiKey, EmulatedServices.GoogleApiKey, TelegramEmulator.DefaultToken, "chloe@example.com" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFlowsOwnRunLink_StillWins_OverTheConsoles()
    {
        var file = Path.Combine(_bed.Rules, ConsoleBed.CanonicalFlow + ".json");
        var flow = Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(file));
        flow["runLink"] = "https://logs.example.com/runs/{flow}/{runId}";
        await File.WriteAllTextAsync(file, flow.ToString());
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx");
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the alert");
        Assert.Contains($"Run: https://logs.example.com/runs/{ConsoleBed.CanonicalFlow}/{await FirstRunIdAsync()}", _bed.Services.Telegram.SentMessages[0].Text);
    }

    [Fact]
    public async Task ARunInFlight_ShowsAsRunningWithItsProgress_OnTheHomePageAndTheLiveFeed()
    {
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx");
        _bed.Services.Telegram.Faults.FailNext(RulesEngine.Emulation.Fault.Slow(TimeSpan.FromMinutes(10))); // the alert hangs: the run stays in flight
        await _bed.SetTelegramAsync("timeoutSeconds", 600); // longer than any loaded machine takes to read the pages below
        await _bed.StartServeAsync();
        await _bed.Daemon.WaitUntilAsync(() => _bed.Services.Telegram.Received.Count >= 1, "the alert's call");
        var client = _bed.Client();
        using var progress = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/progress"));
        var flow = Assert.Single(progress.RootElement.GetProperty("flows").EnumerateArray().ToList()); // camelCase keys
        Assert.Equal(ConsoleBed.CanonicalFlow, flow.GetProperty("name").GetString());
        Assert.Equal("running: 0 row(s) finished, 1 in progress", flow.GetProperty("text").GetString());
        Assert.Contains("running: 0 row(s) finished, 1 in progress", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task ListenNone_ServesNoConsole_AndAlertsKeepTheDefaultRunLink()
    {
        _bed.AddRow("chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx");
        using var serve = ServeProcess.Start(new Dictionary<string, string?>(),
            "serve", "--rules", _bed.Rules, "--connections", _bed.Services.ConnectionsPath, "--state", _bed.State, "--create-state", "--listen", "none");
        await serve.WaitUntilAsync(() => _bed.Services.Telegram.SentMessages.Count == 1, "the alert");
        Assert.Contains($"Run: rulesengine://runs/{ConsoleBed.CanonicalFlow}/", _bed.Services.Telegram.SentMessages[0].Text);
        Assert.DoesNotContain(serve.Lines, l => l.Contains("Console listening", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APortAlreadyTaken_RefusesToStart_WithExitCode2()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var serve = ServeProcess.Start(new Dictionary<string, string?>(),
            "serve", "--rules", _bed.Rules, "--connections", _bed.Services.ConnectionsPath, "--state", _bed.State, "--create-state", "--listen", $"http://127.0.0.1:{port}");
        Assert.Equal(2, await serve.WaitForExitAsync());
        Assert.Contains(serve.Lines, l => l.Contains($"cannot listen on http://127.0.0.1:{port}", StringComparison.Ordinal) && l.Contains("--listen none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFlowFileThatStopsLoading_ShowsItsProblems_AndThatTheLastGoodVersionKeepsRunning()
    {
        await _bed.StartServeAsync();
        await FirstRunIdAsync();
        var file = Path.Combine(_bed.Rules, ConsoleBed.CanonicalFlow + ".json");
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("\"update.Failed\"", "\"update.Faild\"", StringComparison.Ordinal));
        await _bed.Daemon.WaitForLineAsync("does not load");
        var client = _bed.Client();
        string page = "";
        await _bed.Daemon.WaitUntilAsync(() => (page = client.GetStringAsync($"/flows/{ConsoleBed.CanonicalFlow}").GetAwaiter().GetResult()).Contains("The file does not load", StringComparison.Ordinal),
            "the flow page to show the problem");
        Assert.Contains("The last good version keeps running", page);
        Assert.Contains("Faild", page);
        Assert.Contains(file, page);
        Assert.Contains("the last good version keeps running", await client.GetStringAsync("/"));
    }
}
