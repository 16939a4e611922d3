using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.WebConsole.Pages;

/// <summary>One row as a table row: its number and cells, how it ended, and what each step did (result, outputs,
/// error text, and for an If block the values its condition saw).</summary>
internal static class RowView
{
    public const string Header = "<thead><tr><th>Row</th><th>Cells</th><th>Status</th><th>Steps</th><th>Replay</th></tr></thead>";

    public static Markup Of(PageContext page, RowRecord row, RunRecord? run, bool showRun = false)
    {
        var html = new Html();
        html.Add($"<tr class=\"{(row.Attention.NeedsPerson ? "needs-person" : "")}\" data-row=\"{row.Number}\"><td>{row.Number}");
        if (showRun) html.Add($"<br><a href=\"{page.Url("/runs/" + PageContext.Escaped(row.RunId))}\">{row.RunId}</a>");
        html.Add($"</td><td><dl class=\"cells\">");
        if (row.Number == 0 && row.Fields.Count == 0) html.Add($"<dd>(its cells were not recorded)</dd>");
        foreach (var (column, value) in row.Fields) html.Add($"<dt>{column}</dt><dd>{value}</dd>");
        html.Add($"</dl></td><td>{Shown(row, run)}");
        if (row.Error.Length > 0) html.Add($"<div class=\"error\">{row.Error}</div>");
        if (row.Attention.NeedsPerson) html.Add($"<div class=\"attention\">needs a person: {row.Attention.Reason}</div>");
        else if (row.FailedSteps > 0) html.Add($"<div>failures handled by the flow</div>");
        html.Add($"</td><td><ol class=\"steps\">");
        foreach (var step in row.Steps) html.Add(Step(step));
        html.Add($"</ol></td><td>");
        if (row.Attention.NeedsPerson && row.Fields.Count > 0)
            html.Add(page.Button("/runs/" + PageContext.Escaped(row.RunId) + "/replay", "Replay this row", ("row", row.Key)));
        // A link, not a button: the page it opens says what may happen twice and asks for a confirmation.
        if (ForcedReplayPage.IsOffered(row))
            html.Add($"<br><a class=\"force\" href=\"{ForcedReplayPage.Link(page, row)}\">Replay calling every step again…</a>");
        html.Add($"</td></tr>");
        return html.ToMarkup();
    }

    private static Markup Step(RecordedStep step)
    {
        var html = new Html();
        var path = PathStep.Of(step);
        var (isIf, explanation) = (path.IsIf, path.Explanation);
        var outcome = isIf ? step.Result == 1 ? "yes" : "no" : step.Result == 1 ? "ok" : "FAILED";
        html.Add($"<li class=\"{(step.Result == 1 || isIf ? "ok" : "failed")}\"><b>{step.StepId}</b>: {outcome}");
        var outputs = isIf ? [] : step.Output.ToList();
        if (outputs.Count > 0) html.Add($" <span class=\"outputs\">{string.Join(", ", outputs.Select(o => $"{o.Key}={o.Value}"))}</span>");
        if (step.Error.Length > 0) html.Add($"<div class=\"error\">{step.Error}</div>");
        if (isIf && !string.IsNullOrEmpty(explanation)) html.Add($"<details><summary>why</summary><pre>{explanation}</pre></details>");
        html.Add($"</li>");
        return html.ToMarkup();
    }

    /// <summary>How a row is shown, as 'history' shows it: a held row is pending until a later run finishes it.</summary>
    public static string Shown(RowRecord row, RunRecord? run) => row.Status switch
    {
        RowStatus.Held or RowStatus.Started when row.LatestStatus is { } now && now != row.Status && row.LatestRunId != row.RunId =>
            $"{(row.Status == RowStatus.Held ? "held" : "interrupted")}, {now.ToString().ToLowerInvariant()} later in run {row.LatestRunId}",
        RowStatus.Held => "pending (held)",
        RowStatus.Started => run is { Status: RunStatus.Running } ? "in progress" : "interrupted",
        _ => row.Status.ToString().ToLowerInvariant(),
    };
}
