using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary><c>/runs/{runId}</c>, what a run link opens: the run and every row it took, a page at a time, with a
/// filter for the rows that need a person.</summary>
internal static class RunPage
{
    public const int RowsPerPage = 100;

    public static IResult Render(PageContext page, ConsoleContext console, string runId)
    {
        if (console.Store.GetRun(runId) is not { } run) return FlowPage.NotFound(page, $"No run '{runId}' in the state file.");
        var needsPersonOnly = page.Http.Request.Query["filter"] == "open";
        var rows = console.Store.ListRows(runId, (page.PageNumber - 1) * RowsPerPage, RowsPerPage, needsPersonOnly);
        var html = new Html();
        var path = "/runs/" + PageContext.Escaped(runId);
        html.Add($"<dl class=\"facts\"><dt>Flow</dt><dd><a href=\"{page.Url("/flows/" + PageContext.Escaped(run.Flow))}\">{run.Flow}</a></dd>");
        html.Add($"<dt>Started</dt><dd>{Layout.Time(run.StartedAt)}</dd><dt>Finished</dt><dd>{Layout.Time(run.FinishedAt)}</dd>");
        html.Add($"<dt>Outcome</dt><dd>{HomePage.Describe(run)}</dd>");
        if (run.Error.Length > 0) html.Add($"<dt>Error</dt><dd class=\"error\">{run.Error}</dd>");
        html.Add($"</dl>");
        if (run.NeedsPerson > 0) html.Add(page.Button(path + "/replay", $"Replay the {run.NeedsPerson} row(s) that need a person"));
        html.Add($"<p class=\"filter\">Show: ");
        html.Add(needsPersonOnly ? new Html().Add($"<a href=\"{page.Url(path)}\">all rows</a> | <b>rows that need a person</b>").ToMarkup()
            : new Html().Add($"<b>all rows</b> | <a href=\"{page.Url(path)}?filter=open\">rows that need a person</a>").ToMarkup());
        html.Add($"</p><table class=\"rows\">{new Markup(RowView.Header)}<tbody>");
        foreach (var row in rows) html.Add(RowView.Of(page, row, run));
        html.Add($"</tbody></table>");
        if (rows.Count == 0) html.Add($"<p>{(needsPersonOnly ? "No row of this run needs a person." : "This run took no row.")}</p>");
        html.Add(Layout.Pager(page, path, RowsPerPage, rows.Count, needsPersonOnly ? "&filter=open" : ""));
        return Layout.Page(page, $"Run {runId}", html.ToMarkup());
    }
}
