using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary><c>/flows/{name}</c>: the flow's file, its problems if the file no longer loads, and its runs, newest first.</summary>
internal static class FlowPage
{
    public const int RunsPerPage = 50;

    public static IResult Render(PageContext page, ConsoleContext console, string name)
    {
        var flow = console.Scheduler.PublishedFlows.FirstOrDefault(f => f.Name == name);
        var runs = console.Store.ListRuns(name, (page.PageNumber - 1) * RunsPerPage, RunsPerPage);
        if (flow is null && runs.Count == 0 && page.PageNumber == 1) return NotFound(page, $"No flow named '{name}' is in service or in the history.");
        var html = new Html();
        var escaped = PageContext.Escaped(name);
        if (flow is not null)
        {
            html.Add($"<dl class=\"facts\"><dt>File</dt><dd>{flow.FilePath}</dd><dt>State</dt><dd>{(flow.Enabled ? "on" : "off")}, ");
            html.Add($"<span data-progress=\"{flow.Name}\">{Progress.Of(flow.Running, runs.FirstOrDefault())}</span></dd>");
            html.Add($"<dt>Triggers</dt><dd>{flow.Triggers}</dd><dt>Next run</dt><dd>{(flow.Enabled ? Layout.Time(flow.NextRun) : "none: switched off")}</dd></dl>");
            html.Add($"<p>{Actions(page, flow.Name, flow.Enabled)}</p>");
            foreach (var broken in console.Scheduler.PublishedProblems.Where(b => b.File == flow.FilePath))
                html.Add($"<div class=\"problems\"><h2>The file does not load</h2><p>The last good version keeps running until the file is fixed.</p><pre>{string.Join(Environment.NewLine, broken.Problems)}</pre></div>");
        }
        else html.Add($"<p>This flow is not in service (its file is gone or renamed); its history follows.</p>");
        var open = console.Store.CountOpenRows(name);
        html.Add($"<p><a href=\"{page.Url("/flows/" + escaped + "/open")}\">{open.NeedsPerson} row(s) need a person</a> ({open.Held} held, {open.DeliveryUnknown} delivery unknown)</p>");
        if (console.Replays.LastOutcome(name) is { } outcome) html.Add($"<p class=\"note\">Last replay from the console: {outcome}</p>");
        html.Add($"<h2>Runs</h2><table class=\"runs\"><thead><tr><th>Run</th><th>Started</th><th>Status</th><th>Rows</th><th>Need a person</th><th>Held</th><th>Skipped</th><th>Took</th><th>Error</th></tr></thead><tbody>");
        foreach (var run in runs)
        {
            var took = run.FinishedAt is { } end ? $"{(end - run.StartedAt).TotalSeconds:0.0} s" : "";
            html.Add($"<tr><td><a href=\"{page.Url("/runs/" + PageContext.Escaped(run.Id))}\">{run.Id}</a></td><td>{Layout.Time(run.StartedAt)}</td>");
            html.Add($"<td>{run.Status.ToString().ToLowerInvariant()}</td><td>{run.Rows}</td><td>{run.NeedsPerson}</td><td>{run.Held}</td><td>{run.Skipped}</td><td>{took}</td><td class=\"error\">{run.Error}</td></tr>");
        }
        html.Add($"</tbody></table>");
        html.Add(Layout.Pager(page, "/flows/" + escaped, RunsPerPage, runs.Count));
        return Layout.Page(page, name, html.ToMarkup());
    }

    /// <summary>The flow's buttons: switch on/off and run now, through the same switch and scheduler the CLI and
    /// triggers use.</summary>
    public static Markup Actions(PageContext page, string name, bool enabled)
    {
        var escaped = "/flows/" + PageContext.Escaped(name);
        return new Html()
            .Add(page.Button(escaped + "/switch", enabled ? "Switch off" : "Switch on", ("on", enabled ? "false" : "true")))
            .Add(page.Button(escaped + "/run", "Run now"))
            .ToMarkup();
    }

    public static IResult NotFound(PageContext page, string text) =>
        Layout.Page(page, "Not found", new Html().Add($"<p>{text}</p>").ToMarkup(), StatusCodes.Status404NotFound);
}
