using System.Diagnostics;
using System.Globalization;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.Tests.Postgres;
using Xunit.Abstractions;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Many flows on 1-second intervals over three real <c>serve</c> nodes: every flow keeps firing, the firings spread
/// over the nodes, no run of a flow overlaps another, and the CPU each node spends is written to the test output, once
/// with the flows switched on (each run reads an empty sheet) and once switched off (Quartz firing and rescheduling
/// alone: the scheduler's own overhead). Small by default; the benchmark is
/// <c>RULESENGINE_CLUSTER_LOAD_FLOWS=100 RULESENGINE_CLUSTER_LOAD_SECONDS=60</c>.
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed class ClusterLoadTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789lod";

    [Fact]
    public async Task ManyFlowsOnOneSecondIntervals_KeepFiring_SpreadOverThreeNodes_WithoutOverlap()
    {
        var flowCount = Knob("RULESENGINE_CLUSTER_LOAD_FLOWS", 12);
        var window = TimeSpan.FromSeconds(Knob("RULESENGINE_CLUSTER_LOAD_SECONDS", 15));
        await using var cluster = await ClusterDeployment.StartAsync(postgres, "load");
        var flows = Enumerable.Range(0, flowCount).Select(i => $"load-{i:000}").ToList();
        foreach (var flow in flows)
        {
            cluster.Services.Sheets.AddSheet(Spreadsheet, flow, [["Email", "Name"]]);
            cluster.Deploy(flow + ".json", LoadFlow(flow), 1, 2, 3);
        }
        var nodes = new[] { cluster.StartNode(1), cluster.StartNode(2), cluster.StartNode(3) };
        using var state = cluster.OpenState();
        await nodes[0].WaitUntilAsync(() => flows.All(f => state.ListRuns(f, 1).Count > 0), TimeSpan.FromMinutes(3), "a first run of every flow");

        var on = await MeasureAsync(nodes, window);
        var runsOn = flows.ToDictionary(f => f, f => state.ListRuns(f, 100_000).Count(r => r.StartedAt >= on.From));
        foreach (var flow in flows) state.SetEnabled(flow, false, DateTimeOffset.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(2)); // let runs started before the switch end; a settling pause, not a wait for a condition
        var off = await MeasureAsync(nodes, window);
        var runsWhileOff = flows.Sum(f => state.ListRuns(f, 100_000).Count(r => r.StartedAt >= off.From));

        output.WriteLine($"{flowCount} flows every 1 s on 3 nodes, {window.TotalSeconds:0} s per phase, {Environment.ProcessorCount} cores shared with the test and PostgreSQL");
        output.WriteLine($"switched on:  CPU per node {string.Join(", ", on.CpuPercent.Select(p => $"{p:0.0}%"))}; runs per node {string.Join(", ", on.Starts)}; runs per flow min {runsOn.Values.Min()} max {runsOn.Values.Max()}");
        output.WriteLine($"switched off: CPU per node {string.Join(", ", off.CpuPercent.Select(p => $"{p:0.0}%"))} (scheduling alone); runs started {runsWhileOff}");

        // Each flow kept firing (at least one run in four seconds, generous for a loaded machine); the work spread out.
        Assert.All(runsOn, pair => Assert.True(pair.Value >= window.TotalSeconds / 4, $"{pair.Key} ran {pair.Value} times in {window.TotalSeconds} s"));
        Assert.All(on.Starts, starts => Assert.True(starts > 0, "a node ran nothing: the flows did not spread over the nodes"));
        Assert.Equal(0, runsWhileOff);
        foreach (var flow in flows) ClusterProcessTests.AssertNoOverlap(state.ListRuns(flow, 100_000));
        foreach (var node in nodes) node.Terminate();
        foreach (var node in nodes) Assert.Equal(0, await node.WaitForExitAsync(DaemonBed.Patience));
    }

    private sealed record Window(DateTimeOffset From, double[] CpuPercent, int[] Starts);

    /// <summary>CPU time and run starts of each node over a fixed window of real time (a measurement, so it waits the
    /// whole window by design).</summary>
    private static async Task<Window> MeasureAsync(DaemonProcess[] nodes, TimeSpan window)
    {
        var from = DateTimeOffset.UtcNow;
        var cpu = nodes.Select(n => n.ProcessorTime).ToArray();
        var lines = nodes.Select(n => n.Lines.Count).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window);
        var elapsed = clock.Elapsed;
        return new Window(from,
            nodes.Select((n, i) => (n.ProcessorTime - cpu[i]) / elapsed * 100).ToArray(),
            nodes.Select((n, i) => n.Lines.Skip(lines[i]).Count(l => l.Contains("\"Starting load-", StringComparison.Ordinal))).ToArray());
    }

    private static int Knob(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private static string LoadFlow(string name) => $$"""
        {
          "name": "{{name}}",
          "triggers": { "interval": 1 },
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "{{name}}", "columns": ["Email", "Name"] },
          "steps": [ { "id": "announce", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-1001234567890", "text": "hello {Email}" } ]
        }
        """;
}
