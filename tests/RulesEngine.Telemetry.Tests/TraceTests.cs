using System.Diagnostics;
using RulesEngine.Telemetry.Tests.Support;

namespace RulesEngine.Telemetry.Tests;

/// <summary>The spans of a canonical run: run → row → step → HTTP client spans, without secrets or row data.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task Trace_NestsRunRowStepAndHttpSpans()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var spans = site.Spans.ToList();
        var runSpan = Assert.Single(spans, s => s.OperationName == "rulesengine.run");
        Assert.Equal(CanonicalRun.FlowName, runSpan.GetTagItem("rulesengine.flow"));
        Assert.NotNull(runSpan.GetTagItem("rulesengine.run.id"));
        var rows = spans.Where(s => s.OperationName == "rulesengine.row").ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row => Assert.Equal((runSpan.TraceId, runSpan.SpanId), (row.TraceId, row.ParentSpanId)));
        Assert.Equal([2, 3, 4, 5], rows.Select(r => (int)r.GetTagItem("rulesengine.row.number")!).Order());
        Assert.Equal(["done", "failed", "handled", "held"], rows.Select(r => (string)r.GetTagItem("rulesengine.row.outcome")!).Order(StringComparer.Ordinal));

        // Chloe's alert (row 4): the step span is the row's child, and its HTTP request the step's.
        var chloe = Assert.Single(rows, r => (int)r.GetTagItem("rulesengine.row.number")! == 4);
        var chloeSteps = spans.Where(s => s.OperationName == "rulesengine.step" && s.ParentSpanId == chloe.SpanId).ToList();
        Assert.Equal(["helpCrunch.createContact", "telegram.sendMessage"], chloeSteps.Select(s => (string)s.GetTagItem("rulesengine.step.type")!).Order(StringComparer.Ordinal));
        var alert = Assert.Single(chloeSteps, s => (string?)s.GetTagItem("rulesengine.step.type") == "telegram.sendMessage");
        Assert.Equal("alert", alert.GetTagItem("rulesengine.step.id"));
        Assert.Equal(ActivityStatusCode.Error, alert.Status);
        var http = Assert.Single(spans, s => s.ParentSpanId == alert.SpanId);
        Assert.Equal(ActivityKind.Client, http.Kind);
        Assert.Equal(400, Convert.ToInt32(http.GetTagItem("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture));

        // The batched update serves all four rows in one call: a child of the run, linked to each row.
        var update = Assert.Single(spans, s => s.OperationName == "rulesengine.step" && (string?)s.GetTagItem("rulesengine.step.type") == "helpCrunch.updateContact");
        Assert.Equal(runSpan.SpanId, update.ParentSpanId);
        Assert.Equal(rows.Select(r => r.SpanId.ToHexString()).Order(StringComparer.Ordinal),
            update.Links.Select(l => l.Context.SpanId.ToHexString()).Order(StringComparer.Ordinal));
        Assert.Contains(spans, s => s.ParentSpanId == update.SpanId && s.Kind == ActivityKind.Client);
    }

    [Fact]
    public async Task Trace_NeverCarriesSecretsOrRowData()
    {
        await using var site = await MetricsSite.StartAsync();
        await using var run = await CanonicalRun.StartAsync();

        await run.RunAsync();

        var spans = site.Spans.ToList();
        // Not vacuous: the Telegram requests are there, and their URL had the bot token in its path.
        var telegram = spans.Where(s => s.Kind == ActivityKind.Client && ((string?)s.GetTagItem("url.full"))?.Contains("sendMessage", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(telegram);
        Assert.All(telegram, s => Assert.Contains("/bot***/", (string)s.GetTagItem("url.full")!, StringComparison.Ordinal));
        var texts = spans.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(s.DisplayName)
            .Concat(s.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString() ?? "").Append(e.Name)))).ToList();
        foreach (var secret in CanonicalRun.Secrets) Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        foreach (var cell in CanonicalRun.Rows.SelectMany(row => row).Where(cell => cell.Length > 2))
            Assert.DoesNotContain(texts, t => t.Contains(cell, StringComparison.Ordinal));
    }
}
