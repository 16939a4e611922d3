using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Durability.Tests.Postgres;

/// <summary>The daemon with its state on PostgreSQL, as an operator runs it: the database must hold a state (or
/// --create-state), the flows run on their triggers, the CLI switches them through the same database, and neither
/// the daemon's logs nor the CLI's messages show the password.</summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed class ServeOnPostgresTests(PostgresServer server) : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await TestBed.StartAsync();
        await _bed.WriteConnectionsAsync(
            helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000 });
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task ServeRunsTheFlowOnPostgres_AndDisableThroughTheSameDatabaseIsSeen()
    {
        var rules = Path.Combine(_bed.Directory, "rules");
        Directory.CreateDirectory(rules);
        await _bed.WriteFlowAsync(triggers: new JObject { ["interval"] = 1 }, path: Path.Combine(rules, "contacts.json"));
        _bed.AppendRows(Scenario.Build(_bed, 6));
        var state = server.Url(await server.CreateDatabaseAsync("serve"));
        string[] serve = ["serve", "--rules", rules, "--connections", _bed.ConnectionsPath, "--state", state, "--stop-timeout", "10", "--listen", "none"];

        // An empty database is a state that knows no row: refused like a missing file.
        var (refusedExit, refusal) = await _bed.CliAsync(serve);
        Assert.Equal(2, refusedExit);
        Assert.Contains($"no state database at postgres://{server.UserName}@{server.Host}:{server.Port}/", refusal);

        var lines = new List<string>();
        using var daemon = CliProcess.Start(_bed, line => { lock (lines) lines.Add(line); }, [.. serve, "--create-state"]);
        try
        {
            await WaitUntil(() => Scenario.Check(_bed, 6, PostgresBed.LatestRows(state)).Lost == 0, "the daemon to process the six rows");
            var (disableExit, disabled) = await _bed.CliAsync("disable", "contacts", "--rules", rules, "--state", state);
            Assert.True(disableExit == 0, disabled);
            using (var store = StateStores.Open(state)) Assert.False(store.IsEnabled("contacts"));
            // The daemon reads the switch from the database within a second and logs it (what it then does with a
            // switched-off flow is the scheduler's, tested on every store alike).
            await WaitUntil(() => { lock (lines) return lines.Any(l => l.Contains("Flow contacts switched off", StringComparison.Ordinal)); },
                "the daemon to notice the switch");
        }
        finally
        {
            if (!daemon.HasExited)
            {
                using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                try { await daemon.WaitForExitAsync(patience.Token); }
                catch (OperationCanceledException) { daemon.Kill(entireProcessTree: true); }
            }
        }
        lock (lines)
        {
            Assert.NotEmpty(lines);
            Assert.DoesNotContain(lines, line => line.Contains(server.Password, StringComparison.Ordinal));
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!condition())
        {
            if (patience.IsCancellationRequested) throw new TimeoutException($"waited 120 s for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }
}
