using RulesEngine.Cli;
using RulesEngine.Telemetry.Tests.Support;

namespace RulesEngine.Telemetry.Tests;

/// <summary>
/// <c>/metrics</c>, mapped by the extension the console uses, after one run of the canonical flow against the emulated
/// services (a done row, a handled one, a failed one and a held one: see <see cref="CanonicalRun"/>).
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string Flow = CanonicalRun.FlowName;

    [Fact]
    public async Task Metrics_CountRowsByFlowAndOutcome_AfterACanonicalRun()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(1, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "done")));
        Assert.Equal(1, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "handled")));
        Assert.Equal(1, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "held")));
        Assert.Equal(4, metrics.Value("rulesengine_rows_total", ("flow", Flow)));
    }

    [Fact]
    public async Task Metrics_CountStepCallsByTypeAndOutcome_WithTheirDurations()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var metrics = new PrometheusText(await site.MetricsAsync());
        // update: Anna's found; Ben's not found; Chloe's and Erin's locale refused.
        Assert.Equal(1, metrics.Value("rulesengine_step_calls_total", ("step_type", "helpCrunch.updateContact"), ("outcome", "succeeded")));
        Assert.Equal(3, metrics.Value("rulesengine_step_calls_total", ("step_type", "helpCrunch.updateContact"), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("rulesengine_step_calls_total", ("step_type", "helpCrunch.createContact"), ("outcome", "succeeded")));
        Assert.Equal(2, metrics.Value("rulesengine_step_calls_total", ("step_type", "helpCrunch.createContact"), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("rulesengine_step_calls_total", ("step_type", "telegram.sendMessage"), ("outcome", "failed")));
        Assert.Equal(1, metrics.Value("rulesengine_step_calls_total", ("step_type", "telegram.sendMessage"), ("outcome", "held")));
        Assert.Null(metrics.Value("rulesengine_step_calls_total", ("step_type", "telegram.sendMessage"), ("outcome", "succeeded")));
        // The alert is sent one row at a time (it has a resume policy): two calls, each timed.
        Assert.Equal(2, metrics.Value("rulesengine_step_duration_seconds_count", ("step_type", "telegram.sendMessage")));
        Assert.True(metrics.Value("rulesengine_step_duration_seconds_count", ("step_type", "helpCrunch.updateContact")) >= 1, metrics.Text);
    }

    [Fact]
    public async Task Metrics_CountApiRequestsByServiceAndStatus_AndRetries()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(1, metrics.Value("rulesengine_api_requests_total", ("service", "telegram"), ("status", "400")));
        Assert.Equal(2, metrics.Value("rulesengine_api_requests_total", ("service", "telegram"), ("status", "503")));
        Assert.Null(metrics.Value("rulesengine_api_requests_total", ("service", "telegram"), ("status", "200")));
        // HelpCrunch: the search and Anna's update answer 200, Ben's create 201; every request it received is counted.
        Assert.Equal(1, metrics.Value("rulesengine_api_requests_total", ("service", "helpCrunch"), ("status", "201")));
        Assert.Equal(run.Services.HelpCrunch.Received.Count, metrics.Value("rulesengine_api_requests_total", ("service", "helpCrunch")));
        Assert.True(metrics.Value("rulesengine_api_requests_total", ("service", "googleSheets"), ("status", "200")) >= 1, metrics.Text);
        // Erin's alert: the first 503 is retried once (two attempts), the second ends it.
        Assert.Equal(1, metrics.Value("rulesengine_retries_total", ("step_type", "telegram.sendMessage")));
        Assert.Equal(1, metrics.Value("rulesengine_retries_total"));
    }

    [Fact]
    public async Task Metrics_CountRunsByResult_WithTheirDuration()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();
        await run.RunAsync();

        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(2, metrics.Value("rulesengine_runs_total", ("flow", Flow), ("result", "completed")));
        // The flow's other series exist at 0, so an alert's increase() sees their first step.
        Assert.Equal(0, metrics.Value("rulesengine_runs_total", ("flow", Flow), ("result", "failed")));
        Assert.Equal(0, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "deliveryUnknown")));
        Assert.Equal(2, metrics.Value("rulesengine_run_duration_seconds_count", ("flow", Flow), ("result", "completed")));
        // The second run takes the held row again, and Telegram now answers: Erin's alert is sent, so her row ends
        // handled (update and create failed, a person was told). Each run counts the rows it recorded.
        Assert.Equal(1, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "held")));
        Assert.Equal(2, metrics.Value("rulesengine_rows_total", ("flow", Flow), ("outcome", "handled")));
        Assert.Equal(5, metrics.Value("rulesengine_rows_total", ("flow", Flow)));
    }

    [Fact]
    public async Task Metrics_CountAFailedRun_WhenTheSheetCannotBeRead()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();
        run.Services.Sheets.Faults.FailNext(Emulation.Fault.Status(404, "Requested entity was not found."));

        using var output = new StringWriter();
        var code = await CliApp.RunAsync(
            ["run", Repo.CanonicalFlow, "--connections", run.Services.ConnectionsPath, "--state", Path.Combine(run.Directory, "state.db")],
            output, output, CancellationToken.None);

        Assert.True(code == 2, $"exit {code}\n{output}");
        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Equal(1, metrics.Value("rulesengine_runs_total", ("flow", Flow), ("result", "failed")));
        Assert.Equal(0, metrics.Value("rulesengine_rows_total", ("flow", Flow)));
        Assert.Equal(0, metrics.Value("rulesengine_runs_total", ("flow", Flow), ("result", "completed")));
        Assert.Equal(1, metrics.Value("rulesengine_api_requests_total", ("service", "googleSheets"), ("status", "404")));
    }

    [Fact]
    public async Task Metrics_CountNoStepCallsOrRows_ForTheTestVerb()
    {
        // 'test' previews one row: its predicted outcomes are not calls, and it belongs to no run.
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        using var output = new StringWriter();
        var code = await CliApp.RunAsync(["test", Repo.CanonicalFlow, "--connections", run.Services.ConnectionsPath, "--row", "3"], output, output, CancellationToken.None);

        Assert.True(code == 0, $"exit {code}\n{output}");
        Assert.Contains("ben@example.com", output.ToString(), StringComparison.Ordinal); // not vacuous: the row was tested
        var metrics = new PrometheusText(await site.MetricsAsync());
        Assert.Null(metrics.Value("rulesengine_step_calls_total"));
        Assert.Null(metrics.Value("rulesengine_step_duration_seconds_count"));
        Assert.Null(metrics.Value("rulesengine_rows_total"));
        Assert.Null(metrics.Value("rulesengine_runs_total"));
        Assert.True(metrics.Value("rulesengine_api_requests_total", ("service", "googleSheets")) >= 1, metrics.Text); // its reads are real requests
        Assert.DoesNotContain(site.Spans, s => s.OperationName is "rulesengine.step" or "rulesengine.run");
    }

    [Fact]
    public async Task Metrics_NeverCarrySecretsOrRowData()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var text = await site.MetricsAsync();
        Assert.Contains("rulesengine_rows_total", text, StringComparison.Ordinal); // not vacuous: the run was counted
        foreach (var secret in CanonicalRun.Secrets) Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        foreach (var cell in CanonicalRun.Rows.SelectMany(row => row).Where(cell => cell.Length > 2))
            Assert.DoesNotContain(cell, text, StringComparison.Ordinal);
        Assert.DoesNotContain("@example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("chat not found", text, StringComparison.Ordinal); // error texts are not labels either
    }
}
