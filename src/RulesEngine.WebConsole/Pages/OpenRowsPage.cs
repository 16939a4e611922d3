using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary><c>/flows/{name}/open</c>: the flow's rows that need a person now (held, delivery unknown, errors,
/// failures the flow did not handle), the latest line of each, with buttons to replay them.</summary>
internal static class OpenRowsPage
{
    public const int RowsPerPage = 100;

    public static IResult Render(PageContext page, ConsoleContext console, string name)
    {
        var counts = console.Store.CountOpenRows(name);
        var rows = console.Store.ListOpenRows(name, (page.PageNumber - 1) * RowsPerPage, RowsPerPage);
        var html = new Html();
        var path = "/flows/" + PageContext.Escaped(name);
        html.Add($"<p><a href=\"{page.Url(path)}\">{name}</a>: {counts.NeedsPerson} row(s) need a person, {counts.Held} held (pending), {counts.DeliveryUnknown} delivery unknown.</p>");
        if (counts.NeedsPerson > 0) html.Add(page.Button(path + "/replay-open", "Replay every row that needs a person"));
        html.Add($"<p>A replay uses the recorded answers: a step already answered is not called again (so a message whose delivery is unknown is not sent twice by it); only what is missing runs.</p>");
        if (counts.Held + counts.DeliveryUnknown > 0)
            html.Add($"<p>A held row, or one whose delivery is unknown, may need every step called again (as <code>replay --force</code>): its link <b>Replay calling every step again…</b> opens a page that says what may happen twice and asks you to confirm.</p>");
        html.Add($"<table class=\"rows\">{new Markup(RowView.Header)}<tbody>");
        foreach (var row in rows) html.Add(RowView.Of(page, row, null, showRun: true));
        html.Add($"</tbody></table>");
        if (rows.Count == 0) html.Add($"<p>No row needs a person.</p>");
        html.Add(Layout.Pager(page, path + "/open", RowsPerPage, rows.Count));
        return Layout.Page(page, $"{name}: rows that need a person", html.ToMarkup());
    }
}
