using System.Net;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Emulation;
using RulesEngine.Tests.Postgres;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests.Postgres;

/// <summary>
/// The state on PostgreSQL, and the database misbehaving under a real <c>run</c>: restarted while rows are being
/// worked (every row ends recorded, none lost, no contact created twice), or not there at all when a verb starts
/// (a clear error naming the server, never the password, and a non-zero exit).
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed class DatabaseFaultTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
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
    public async Task PostgresRestartedMidRun_LosesNoRow_AndCreatesNoContactTwice()
    {
        const int rowCount = 90;
        var state = server.Url(await server.CreateDatabaseAsync("restart"));
        _bed.AppendRows(Scenario.Build(_bed, rowCount));
        // 20 ms per request: the run spans the restart instead of finishing before it.
        _bed.HelpCrunch.Faults.FailRandomly(1.0, 1, Fault.Slow(TimeSpan.FromMilliseconds(20)));
        var lines = new List<string>();
        using var process = CliProcess.Start(_bed, line => { lock (lines) lines.Add(line); }, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", state);
        try
        {
            // Restart once a third of the rows' requests have gone out: the run is deep in its rows.
            await WaitUntil(() => _bed.HelpCrunch.Received.Count >= rowCount / 3 || process.HasExited, "the run to reach a third of its rows");
            Assert.False(process.HasExited, "the run finished before the restart; make it slower");
            await server.RestartAsync();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            await process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        output.WriteLine($"run across the restart: exit {process.ExitCode}");

        // What a restart left held (if anything), the next run takes; the journal keeps it from repeating a create.
        _bed.HelpCrunch.Faults.Clear();
        for (var run = 0; run < 3 && Scenario.Check(_bed, rowCount, PostgresBed.LatestRows(state)).Lost > 0; run++)
        {
            var (code, text) = await PostgresBed.RunAsync(_bed, state);
            lock (lines) lines.Add(text);
            output.WriteLine($"follow-up run {run + 1}: exit {code}");
        }

        var tally = Scenario.Check(_bed, rowCount, PostgresBed.LatestRows(state));
        output.WriteLine($"rows lost {tally.Lost}, duplicate contacts {tally.DuplicateContacts}, duplicate alerts {tally.DuplicateAlerts}");
        Assert.Equal(0, tally.Lost);
        Assert.Equal(0, tally.DuplicateContacts);
        Assert.True(tally.DuplicateAlerts <= tally.AlertsResent, $"{tally.DuplicateAlerts} duplicate alerts, only {tally.AlertsResent} resent");
        lock (lines) Assert.DoesNotContain(lines, line => line.Contains(server.Password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("serve")]
    [InlineData("status")]
    [InlineData("history")]
    public async Task TheDatabaseUnreachableAtStart_FailsNamingTheServer_NotThePassword(string verb)
    {
        const string password = "never-shown-pw-5e1f";
        var port = ClosedLoopbackPort();
        var state = $"postgres://rulesengine:{password}@127.0.0.1:{port}/rules?timeout=5";
        string[] args = verb switch
        {
            "run" => ["run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", state],
            "serve" => ["serve", "--rules", _bed.Directory, "--connections", _bed.ConnectionsPath, "--state", state],
            "status" => ["status", "--rules", _bed.Directory, "--state", state],
            _ => ["history", "--state", state],
        };

        var (exit, text) = await _bed.CliAsync(args);

        Assert.NotEqual(0, exit);
        Assert.Contains($"postgres://rulesengine@127.0.0.1:{port}/rules", text);
        Assert.Contains($"check that PostgreSQL runs on 127.0.0.1:{port}", text);
        Assert.DoesNotContain(password, text);
        Assert.Empty(_bed.HelpCrunch.Received); // nothing ran
    }

    /// <summary>A loopback port nothing listens on (taken, then released).</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!condition())
        {
            if (patience.IsCancellationRequested) throw new TimeoutException($"waited 120 s for {what}");
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }
    }
}
