using System.Text;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli;

/// <summary>Writes run and test reports for people. Everything printed passes through the secret redactor.</summary>
internal static class ReportPrinter
{
    public static void PrintRun(RunReport report, Console console)
    {
        var skipped = report.Items.Count(i => i.Status == RowStatus.Skipped);
        console.Out($"run {report.RunId} of {report.Flow}: {report.Items.Count} new row(s) in {report.Elapsed.TotalSeconds:0.00} s" +
            $" ({report.NeedsPerson} need a person, {report.HandledFailures} with failures the flow handled, {report.Held} held, {skipped} skipped," +
            $" {report.AlreadyRecorded} already recorded)");
        if (report.Note.Length > 0) console.Out("  " + report.Note);
        foreach (var item in report.Items) console.Out("  " + ItemLine(item));
        if (report.Status == RunStatus.Failed) console.Out($"  run failed: {report.Error}");
        PrintNeedsPerson(report, console);
        console.Out($"  link: {report.Link}");
    }

    /// <summary>Every row that needs a person, once more at the end, so that among thousands of row lines none is
    /// missed (held, errors, delivery unknown, failures the flow did not handle).</summary>
    private static void PrintNeedsPerson(RunReport report, Console console)
    {
        var open = report.Items.Where(i => i.Attention.NeedsPerson).ToList();
        if (open.Count == 0) return;
        console.Out($"  {open.Count} row(s) need a person ('history {report.Flow} --failed' lists them, 'replay <flow.json> --failed' runs them again):");
        foreach (var item in open)
            console.Out($"    row {item.Item.Number,-4} {RowLabel.Of(item.Item.Fields),-28} {RowLabel.Escape(item.Attention.Reason)}");
    }

    public static void PrintTest(ItemReport report, bool sent, Console console, bool explain = false)
    {
        console.Out($"row {report.Item.Number}: " + string.Join(", ", report.Item.Fields.Select(f => $"{f.Key}={f.Value}")));
        if (report.Status == RowStatus.Skipped) console.Out("  " + report.Error);
        foreach (var step in report.Steps)
        {
            if (step.Type == "if")
            {
                console.Out($"  {step.StepId}: condition {(step.Result == 1 ? "holds -> then" : step.Result == 0 ? "does not hold -> else" : "failed: " + step.Error)}");
                if (explain && step.Explanation is { Length: > 0 } why) console.Out("      because " + why.Replace("; ", Environment.NewLine + "              ", StringComparison.Ordinal));
                continue;
            }
            foreach (var request in step.Requests ?? [])
            {
                console.Out($"  {step.StepId}: would send {request.Method} {request.Url}");
                if (request.Body is { Length: > 0 } body) console.Out(Indent(body, "      "));
            }
            var what = sent ? "result" : "predicted";
            console.Out($"  {step.StepId}: {what}: execution result {step.Result?.ToString() ?? "-"}" +
                (step.Error.Length > 0 ? $", error: {step.Error}" : "") + OutputText(step.Output));
        }
        if (report.Status == RowStatus.Held) console.Out($"  held: {report.Error}");
        console.Out(sent ? "  sent for real; nothing recorded, position unchanged" : "  nothing sent, nothing recorded, position unchanged");
    }

    /// <summary>One line per row: its label, then each step that ran with its result.</summary>
    public static string ItemLine(ItemReport item)
    {
        var line = new StringBuilder();
        line.Append($"row {item.Item.Number,-4} {Label(item.Item.Fields),-28} {item.Status.ToString().ToLowerInvariant(),-7}");
        foreach (var step in item.Steps)
        {
            line.Append(" | ").Append(step.StepId).Append(": ");
            if (step.Type == "if") line.Append(step.Result == 1 ? "yes" : step.Result == 0 ? "no" : "error " + step.Error);
            else if (step.Status == OutcomeStatus.Succeeded) line.Append("ok").Append(OutputText(step.Output));
            else if (step.Status == OutcomeStatus.Held) line.Append("held (").Append(step.Error).Append(')');
            else line.Append("FAILED (").Append(step.Error).Append(')');
            if (step.Replayed) line.Append(" [recorded earlier]");
        }
        if (item.Status is RowStatus.Skipped or RowStatus.Error && item.Steps.Count == 0) line.Append(" | ").Append(item.Error);
        return line.ToString();
    }

    private static string Label(IReadOnlyDictionary<string, string> fields)
    {
        var first = fields.Values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? "";
        return first.Length > 28 ? first[..25] + "..." : first;
    }

    private static string OutputText(IReadOnlyDictionary<string, string> output) =>
        output.Count == 0 ? "" : " " + string.Join(" ", output.Select(o => $"{o.Key}={o.Value}"));

    private static string Indent(string text, string prefix) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(l => prefix + l.TrimEnd('\r')));

}
