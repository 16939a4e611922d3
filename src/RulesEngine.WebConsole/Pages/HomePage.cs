using Microsoft.AspNetCore.Http;
using RulesEngine.Core.State;

namespace RulesEngine.WebConsole.Pages;

/// <summary><c>/</c>: every flow in service, what it is doing, and what needs a person.</summary>
internal static class HomePage
{
    public static IResult Render(PageContext page, ConsoleContext console)
    {
        var html = new Html();
        var flows = console.Scheduler.PublishedFlows;
        if (flows.Count == 0) html.Add($"<p>No flow is in service yet (the daemon loads the rules folder within a second of starting).</p>");
        else
        {
            html.Add($"""
                <table class="flows"><thead><tr><th>Flow</th><th>State</th><th>Triggers</th><th>Last run</th><th>Next run</th>
                <th>Last error</th><th>Need a person</th><th>Held</th><th>Actions</th></tr></thead><tbody>
                """);
            foreach (var flow in flows)
            {
                var runs = console.Store.ListRuns(flow.Name, 0, RunsForLastError);
                var last = runs.FirstOrDefault();
                var failed = runs.FirstOrDefault(r => r.Error.Length > 0);
                var open = console.Store.CountOpenRows(flow.Name);
                var name = PageContext.Escaped(flow.Name);
                html.Add($"<tr data-flow=\"{flow.Name}\"><td><a href=\"{page.Url("/flows/" + name)}\">{flow.Name}</a></td>");
                html.Add($"<td><span class=\"{(flow.Enabled ? "on" : "off")}\">{(flow.Enabled ? "on" : "off")}</span>, ");
                html.Add($"<span data-progress=\"{flow.Name}\">{Progress.Of(flow.Running, last)}</span></td>");
                html.Add($"<td>{flow.Triggers}</td><td>{LastRun(page, last)}</td>");
                html.Add($"<td>{(flow.Enabled ? flow.NextRun is { } next ? Layout.Time(next) : "on demand or after another flow" : "none: switched off")}</td>");
                html.Add(failed is null ? new Markup("<td>none</td>") : new Html().Add($"<td class=\"error\">{Layout.Time(failed.StartedAt)}: {failed.Error}</td>").ToMarkup());
                html.Add($"<td><a href=\"{page.Url("/flows/" + name + "/open")}\">{open.NeedsPerson}</a>{(open.DeliveryUnknown > 0 ? $" ({open.DeliveryUnknown} delivery unknown)" : "")}</td>");
                html.Add($"<td>{open.Held}</td><td>{FlowPage.Actions(page, flow.Name, flow.Enabled)}</td></tr>");
            }
            html.Add($"</tbody></table>");
        }
        var broken = console.Scheduler.PublishedProblems;
        if (broken.Count > 0)
        {
            html.Add($"<h2>Files that do not load</h2><ul class=\"problems\">");
            foreach (var file in broken)
                html.Add($"<li>{Core.Flows.DisplayPath.Of(file.File)}: {file.Problems.Count} problem(s); {(flows.Any(f => f.FilePath == file.File) ? "the last good version keeps running" : "not in service")}<pre>{string.Join(Environment.NewLine, file.Problems)}</pre></li>");
            html.Add($"</ul>");
        }
        return Layout.Page(page, "Flows", html.ToMarkup());
    }

    /// <summary>The last error is searched among this many recent runs (as 'status' does).</summary>
    private const int RunsForLastError = 20;

    private static Markup LastRun(PageContext page, RunRecord? run)
    {
        if (run is null) return Html.Text("never");
        return new Html().Add($"<a href=\"{page.Url("/runs/" + PageContext.Escaped(run.Id))}\">{Layout.Time(run.StartedAt)}</a> {Describe(run)}").ToMarkup();
    }

    public static string Describe(RunRecord run) =>
        $"{run.Status.ToString().ToLowerInvariant()}: {run.Rows} row(s), {run.NeedsPerson} need a person, {run.Held} held, {run.Skipped} skipped";
}
