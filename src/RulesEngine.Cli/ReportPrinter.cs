using System.Text;
using RulesEngine.Cli.Output;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli;

/// <summary>Writes run and test reports for people. Everything printed passes through the secret redactor, and
/// every value that came from a sheet or a service through <see cref="TerminalText.Escape(string?)"/>.</summary>
internal static class ReportPrinter
{
    /// <summary>Prints a report whose rows the runner kept (<see cref="FlowRunner.KeepRows"/>).</summary>
    /// <param name="replayed">The rows were chosen for a replay: they are not new rows.</param>
    public static void PrintRun(RunReport report, Console console, bool replayed = false)
    {
        using var lines = RunLines.Of(report.Items, console.Writer);
        PrintRun(report, lines, console, replayed);
    }

    /// <summary>Prints a run's report: the summary, the rows' lines written while it ran, and the rows that need a
    /// person once more at the end, so that among thousands of row lines none is missed (held, errors, delivery
    /// unknown, failures the flow did not handle).</summary>
    /// <param name="rows">The lines of the run's rows (<see cref="FlowRunner.RowRecorded"/>).</param>
    /// <param name="replayed">The rows were chosen for a replay: they are not new rows.</param>
    public static void PrintRun(RunReport report, RunLines rows, Console console, bool replayed = false)
    {
        console.Out($"run {report.RunId} of {report.Flow}: {report.Rows} {(replayed ? "replayed" : "new")} row(s) in {report.Elapsed.TotalSeconds:0.00} s" +
            $" ({report.NeedsPerson} need a person, {report.HandledFailures} with failures the flow handled, {report.Held} held, {report.Skipped} skipped," +
            $" {report.AlreadyRecorded} already recorded)");
        if (report.Note.Length > 0) console.Out("  " + report.Note);
        rows.WriteRows(console.Writer);
        if (report.Status == RunStatus.Failed) console.Out($"  run failed: {TerminalText.Escape(report.Error)}");
        if (report.NeedsPerson > 0)
        {
            console.Out($"  {report.NeedsPerson} row(s) need a person ('history {report.Flow} --failed' lists them, 'replay <flow.json> --failed' runs them again):");
            rows.WriteNeedsPerson(console.Writer);
        }
        console.Out($"  link: {report.Link}");
    }

    /// <summary>A row that needs a person, in the list at the end of a run's report.</summary>
    public static string NeedsPersonLine(ItemReport item) =>
        $"    row {item.Item.Number,-4} {RowLabel.Of(item.Item.Fields),-28} {TerminalText.Escape(item.Attention.Reason)}";

    /// <param name="flow">The flow tested: says whether an If that does not hold has an else to take.</param>
    public static void PrintTest(ItemReport report, Flow flow, bool sent, Console console, bool explain = false)
    {
        var withElse = flow.AllSteps().OfType<IfStep>().Where(i => i.Else.Count > 0).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        console.Out($"row {report.Item.Number}: " + string.Join(", ", report.Item.Fields.Select(f => $"{TerminalText.Escape(f.Key)}={TerminalText.Escape(f.Value)}")));
        if (report.Status == RowStatus.Skipped) console.Out("  " + TerminalText.Escape(report.Error));
        foreach (var step in report.Steps)
        {
            if (step.Type == "if")
            {
                var notHolding = withElse.Contains(step.StepId) ? "does not hold -> else" : "does not hold -> skipped (no else)";
                console.Out($"  {step.StepId}: condition {(step.Result == 1 ? "holds -> then" : step.Result == 0 ? notHolding : "failed: " + TerminalText.Escape(step.Error))}");
                if (explain && step.Explanation is { Length: > 0 } why) console.Out("      because " + why.Replace("; ", Environment.NewLine + "              ", StringComparison.Ordinal));
                continue;
            }
            foreach (var request in step.Requests ?? [])
            {
                console.Out($"  {step.StepId}: would send {request.Method} {TerminalText.Escape(request.Url)}");
                if (request.Body is { Length: > 0 } body) console.Out(Indent(Readable(body), "      "));
            }
            var what = sent ? "result" : "predicted";
            if (step.Status == OutcomeStatus.Held)
            {
                // No answer: there is no execution result to show, and the row is not routed (the reason follows).
                console.Out($"  {step.StepId}: {what}: held, no answer from the service (not routed; a run would try it again)");
                continue;
            }
            console.Out($"  {step.StepId}: {what}: execution result {step.Result?.ToString() ?? "-"}" +
                (step.Error.Length > 0 ? $", error: {TerminalText.Escape(step.Error)}" : "") + OutputText(step.Output));
        }
        if (report.Status == RowStatus.Held) console.Out($"  held: {TerminalText.Escape(report.Error)}");
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
            if (step.Type == "if") line.Append(step.Result == 1 ? "yes" : step.Result == 0 ? "no" : "error " + TerminalText.Escape(step.Error));
            else if (step.Status == OutcomeStatus.Succeeded) line.Append("ok").Append(OutputText(step.Output));
            else if (step.Status == OutcomeStatus.Held) line.Append("held (").Append(TerminalText.Escape(step.Error)).Append(')');
            else line.Append("FAILED (").Append(TerminalText.Escape(step.Error)).Append(')');
            if (step.Replayed) line.Append(" [recorded earlier]");
        }
        if (item.Status is RowStatus.Skipped or RowStatus.Error && item.Steps.Count == 0) line.Append(" | ").Append(TerminalText.Escape(item.Error));
        return line.ToString();
    }

    /// <summary>The row's first non-blank cell, escaped first, so cutting it can shorten an escape but never let a raw control
    /// character through.</summary>
    private static string Label(IReadOnlyDictionary<string, string> fields)
    {
        var first = TerminalText.Escape(fields.Values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) ?? "");
        return first.Length > 28 ? first[..25] + "..." : first;
    }

    private static string OutputText(IReadOnlyDictionary<string, string> output) =>
        output.Count == 0 ? "" : " " + string.Join(" ", output.Select(o => $"{TerminalText.Escape(o.Key)}={TerminalText.Escape(o.Value)}"));

    /// <summary>A request body line by line: a JSON body with its printable \u escapes decoded, each line's values
    /// escaped for the terminal (the body's own line breaks stay line breaks).</summary>
    private static string Readable(string body)
    {
        var trimmed = body.TrimStart();
        var text = trimmed.StartsWith('{') || trimmed.StartsWith('[') ? ReadableJson.Decode(body) : body;
        return string.Join("\n", text.Split('\n').Select(l => TerminalText.Escape(l.TrimEnd('\r'))));
    }

    private static string Indent(string text, string prefix) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(l => prefix + l.TrimEnd('\r')));

}
