using Microsoft.Extensions.Logging.Abstractions;
using RulesEngine.Cli;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Emulation;
using RulesEngine.Telemetry.Tests.Support;

namespace RulesEngine.Telemetry.Tests;

/// <summary>Runs the daemon skips, and retries outside any step, as /metrics shows them.</summary>
public sealed class RunResultMetricsTests
{
    [Fact]
    public async Task Metrics_CountASkippedTrigger_AsBusy_WhenAnotherProcessRunsTheFlow()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();
        var flow = FlowSession.LoadOne(Repo.CanonicalFlow, run.Services.ConnectionsPath, new Cli.Console(TextWriter.Null, TextWriter.Null))!;
        using var store = new SqliteStateStore(Path.Combine(run.Directory, "state.db"));
        // A holder this machine cannot check counts as alive: a run of the flow on another machine.
        Assert.Null(store.TryAcquireLease(flow.Name, "a run on another machine", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow));

        var result = await new LeasedRunExecutor(store, TimeProvider.System, NullLogger.Instance).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        Assert.Equal(RunOutcome.Busy, result.Outcome);
        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(1, metrics.Value("rulesengine_runs_total", ("flow", CanonicalRun.FlowName), ("result", "busy")));
        Assert.Null(metrics.Value("rulesengine_run_duration_seconds_count", ("result", "busy")));
        Assert.Empty(run.Services.Sheets.Received); // nothing ran
    }

    [Fact]
    public async Task Metrics_CountRetriesOfTheSourceRead_UnderTheSourceType()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();
        run.Services.Sheets.Faults.FailNext(Fault.Status(503, "The service is currently unavailable."));

        await run.RunAsync();

        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(1, metrics.Value("rulesengine_retries_total", ("step_type", "googleSheets.newRows")));
        Assert.Equal(1, metrics.Value("rulesengine_api_requests_total", ("service", "googleSheets"), ("status", "503")));
        Assert.Equal(4, metrics.Value("rulesengine_rows_total", ("flow", CanonicalRun.FlowName))); // the read went on
    }
}
