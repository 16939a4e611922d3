using System.Net;
using RulesEngine.Core.State;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;
using RulesEngine.WebConsole.Tests.Support;

namespace RulesEngine.WebConsole.Tests;

/// <summary>
/// The console on cluster nodes (issue 13 on issue 14): two real <c>serve</c> processes on one PostgreSQL state, each
/// with its console on a free loopback port, sharing the emulated services and the canonical flow firing every second.
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed class ClusterConsoleTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Flow = ConsoleBed.CanonicalFlow;
    private ConsoleBed _bed = null!;
    private string _state = "";
    private readonly List<ServeProcess> _nodes = [];
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _bed = await ConsoleBed.CreateAsync("cluster", interval: "00:00:01");
        _state = postgres.Url(await postgres.CreateDatabaseAsync("console"));
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        foreach (var node in _nodes) node.Dispose(); // kills what a failed test left running
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task TwoNodes_ServeTheConsole_SwitchOffStopsEveryNode_AndRunNowRunsOnce()
    {
        var (a, urlA) = await StartNodeAsync();
        var (b, urlB) = await StartNodeAsync();
        var clientA = Client(urlA);
        var clientB = Client(urlB);

        // Both consoles list the flow, on; the clock runs take a row on whichever node fires.
        await a.WaitUntilAsync(() => HomeListsFlow(clientA) && HomeListsFlow(clientB), "both consoles to list the flow");
        _bed.AddRow("anna@example.com", "Anna", "+33600000001", "Acme", "en");
        await a.WaitUntilAsync(() => _bed.Services.HelpCrunch.Contacts.Count == 1, "a clock run to take the first row");
        Assert.DoesNotContain(a.Lines.Concat(b.Lines), l => l.Contains("not served by a cluster node", StringComparison.Ordinal));

        // Switched off from node B's console: the next firing, on whichever node, finds it off and runs nothing.
        var flowPageB = await clientB.GetStringAsync("/flows/" + Flow);
        using (var off = await clientB.PostAsync($"/flows/{Flow}/switch", Forms.Post(("on", "false"), ("__RequestVerificationToken", Forms.AntiforgeryToken(flowPageB)))))
            Assert.Equal(HttpStatusCode.SeeOther, off.StatusCode);
        await a.WaitUntilAsync(() => SaidSwitchedOff(a) || SaidSwitchedOff(b), "a node to take a firing that finds the flow off");
        await a.WaitUntilAsync(() => Runs() is [{ FinishedAt: not null }, ..], "the last run before the switch to end");
        var runsWhileOff = Runs().Count;
        _bed.AddRow("ben@example.com", "Ben", "+33600000002", "Initech", "en");
        Assert.Contains("none: switched off", await clientA.GetStringAsync("/"));
        var (sawOff, other, otherClient) = SaidSwitchedOff(a) ? (a, b, clientB) : (b, a, clientA);

        // Run now from the other node's console: one run, on either node, although the flow is off (as 'run' does).
        var flowPage = await otherClient.GetStringAsync("/flows/" + Flow);
        using (var runNow = await otherClient.PostAsync($"/flows/{Flow}/run", Forms.Post(("__RequestVerificationToken", Forms.AntiforgeryToken(flowPage)))))
            Assert.Equal(HttpStatusCode.SeeOther, runNow.StatusCode);
        await a.WaitUntilAsync(() => _bed.Services.HelpCrunch.Contacts.Count == 2, "the run asked for to take the second row");
        await a.WaitUntilAsync(() => Runs() is [{ FinishedAt: not null }, ..], "the run asked for to end");
        Assert.Single(a.Lines.Concat(b.Lines), l => l.Contains($"Starting {Flow} (run now, asked in the console on node", StringComparison.Ordinal));

        // The node that saw the switch stops; the other one now takes every firing, and finds the flow off too.
        sawOff.Terminate();
        Assert.Equal(0, await sawOff.WaitForExitAsync());
        await other.WaitUntilAsync(() => SaidSwitchedOff(other), "the other node to take a firing that finds the flow off");
        Assert.Equal(runsWhileOff + 1, Runs().Count); // the run asked for only: no clock firing ran while off
        Assert.Equal(2, _bed.Services.HelpCrunch.Contacts.Count);

        // The state URL's password is on no page and in no log line.
        var pages = await otherClient.GetStringAsync("/") + await otherClient.GetStringAsync("/flows/" + Flow);
        Assert.DoesNotContain(postgres.Password, pages);
        Assert.DoesNotContain(a.Lines.Concat(b.Lines), l => l.Contains(postgres.Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunNow_OfAFlowTheNodeDoesNotHave_IsRefused()
    {
        var (node, url) = await StartNodeAsync();
        var client = Client(url);
        await node.WaitUntilAsync(() => HomeListsFlow(client), "the console to list the flow");
        var home = await client.GetStringAsync("/");
        using var response = await client.PostAsync("/flows/no-such-flow/run", Forms.Post(("__RequestVerificationToken", Forms.AntiforgeryToken(home))));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(ServeProcess Node, string Url)> StartNodeAsync()
    {
        var node = ServeProcess.Start(new Dictionary<string, string?> { [ConsoleSettings.TokenVariable] = null },
            ["serve", "--rules", _bed.Rules, "--connections", _bed.Services.ConnectionsPath, "--state", _state, "--create-state",
             "--listen", "http://127.0.0.1:0", "--stop-timeout", "20"]);
        _nodes.Add(node);
        return (node, await node.ConsoleUrlAsync());
    }

    private HttpClient Client(string url)
    {
        // Cookies kept: the antiforgery cookie of a page goes with the form posted from it, as in a browser.
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(url),
            Timeout = ServeProcess.Patience,
        };
        _clients.Add(client);
        return client;
    }

    private static bool HomeListsFlow(HttpClient client) =>
        client.GetStringAsync("/").GetAwaiter().GetResult().Contains($"data-flow=\"{Flow}\"", StringComparison.Ordinal);

    private static bool SaidSwitchedOff(ServeProcess node) =>
        node.Lines.Any(l => l.Contains($"Flow {Flow} switched off", StringComparison.Ordinal));

    private IReadOnlyList<RunRecord> Runs()
    {
        using var store = new PostgresStateStore(PostgresLocation.Parse(_state));
        return store.ListRuns(Flow, 1000);
    }
}
