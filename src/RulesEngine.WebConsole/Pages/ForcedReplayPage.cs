using Microsoft.AspNetCore.Http;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.WebConsole.Pages;

/// <summary>
/// <c>/runs/{runId}/replay-force?row=KEY</c>: the console's <c>replay --force</c> for one row, behind a confirmation.
/// A plain replay never calls a recorded step again, so a row whose delivery is unknown (or a held row whose send may
/// have gone out) cannot be finished by it; calling every step again can, at the price of possibly doing twice what
/// was done. This page says which steps that is, and only its form (with the box ticked) starts it.
/// </summary>
internal static class ForcedReplayPage
{
    /// <summary>The form field whose value <see cref="Confirmed"/> must be for the replay to start.</summary>
    public const string ConfirmField = "confirm";
    public const string Confirmed = "yes";

    /// <summary>Rows a forced replay is offered for: a person must decide them, their cells were recorded, and a plain
    /// replay cannot settle them (a step's delivery is unknown, or the row is held: its send may have acted).</summary>
    public static bool IsOffered(RowRecord row) =>
        row.Attention.NeedsPerson && row.Fields.Count > 0
        && (row.Status == RowStatus.Held || row.Steps.Any(s => PathStep.Of(s).DeliveryUnknown));

    public static string Path(string runId) => "/runs/" + PageContext.Escaped(runId) + "/replay-force";

    /// <summary>The link to this page for <paramref name="row"/> (a GET: following it changes nothing).</summary>
    public static string Link(PageContext page, RowRecord row) => page.Url(Path(row.RunId)) + "?row=" + Uri.EscapeDataString(row.Key);

    public static IResult Render(PageContext page, ConsoleContext console, string runId)
    {
        if (console.Store.GetRun(runId) is not { } run) return FlowPage.NotFound(page, $"No run '{runId}' in the state file.");
        var key = page.Http.Request.Query["row"].ToString();
        if (Find(console, runId, key) is not { } row)
            return FlowPage.NotFound(page, $"Run '{runId}' has no row '{key}' that needs a forced replay (it may have been settled since).");
        var html = new Html();
        html.Add($"<p>Flow <a href=\"{page.Url("/flows/" + PageContext.Escaped(run.Flow))}\">{run.Flow}</a>, run ");
        html.Add($"<a href=\"{page.Url("/runs/" + PageContext.Escaped(runId))}\">{runId}</a>, row {row.Number}: {RowView.Shown(row, run)}.</p>");
        html.Add($"<div class=\"attention\">needs a person: {row.Attention.Reason}</div>");
        html.Add($"<h2>What may happen twice</h2>");
        html.Add($"<p>A plain replay uses the recorded answers and calls no recorded step again, so it cannot settle this row. ");
        html.Add($"This replay calls <b>every step again</b>, recorded or not, as <code>rulesengine replay FLOW-FILE --run {runId} --row {row.Number} --force</code> does:</p><ul class=\"twice\">");
        foreach (var step in row.Steps.Select(PathStep.Of).Where(s => !s.IsIf)) html.Add($"<li><b>{step.StepId}</b>: {Consequence(step)}</li>");
        html.Add($"</ul>");
        html.Add($"<form method=\"post\" action=\"{page.Url(Path(runId))}\"><input type=\"hidden\" name=\"{ConsoleApp.AntiforgeryField}\" value=\"{page.AntiforgeryToken}\">");
        html.Add($"<input type=\"hidden\" name=\"row\" value=\"{row.Key}\">");
        html.Add($"<p><label><input type=\"checkbox\" name=\"{ConfirmField}\" value=\"{Confirmed}\" required> ");
        html.Add($"I understand that the steps above are called again and may act twice (a contact changed again, a message sent again).</label></p>");
        html.Add($"<button type=\"submit\">Replay, calling every step again</button></form>");
        html.Add($"<p>Or go back and use <b>Replay this row</b>, which never repeats a recorded step.</p>");
        return Layout.Page(page, $"Replay row {row.Number}, calling every step again", html.ToMarkup());
    }

    /// <summary>The row <paramref name="key"/> of the run, when a forced replay is offered for it.</summary>
    public static RowRecord? Find(ConsoleContext console, string runId, string key) =>
        key.Length == 0 ? null : console.Store.ListRows(runId).FirstOrDefault(r => r.Key == key && IsOffered(r));

    private static string Consequence(PathStep step) =>
        step.DeliveryUnknown ? "its delivery is unknown: if the earlier attempt did arrive, it arrives a second time"
        : step.Failed ? "it failed or got no answer before; it is called again (if it did act then, it acts twice)"
        : "it succeeded before and acts again";
}
