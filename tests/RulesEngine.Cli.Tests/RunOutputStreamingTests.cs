using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Output;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Emulation;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 11, memory: <c>run</c> and <c>replay</c> write each row's line as its batch is recorded (<see cref="RunLines"/>)
/// instead of keeping every row's report to the end. Their output is a contract: for the same run it must be byte for
/// byte what printing the kept reports gave (the printer as it was before, copied below), with done, held, failed and
/// skipped rows, whether the lines stayed in memory or went through the temporary file.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class RunOutputStreamingTests
{
    [Theory]
    [InlineData(RunLines.DefaultMemoryChars, false)]
    [InlineData(64, true)] // a few lines in memory, the rest through the temporary file
    public async Task StreamedLines_AreByteForByteThePrinterOfKeptReports(int memoryChars, bool spills)
    {
        await using var sandbox = await Sandbox.StartAsync(
            Sandbox.Dana, Sandbox.Anna, Sandbox.Ben, Sandbox.Chloe, ["eve\u001b[31m@example.com", "Eve Red", "+10000000000", "Skip Me", "en"]);
        sandbox.Services.HelpCrunch.AddContact(new JObject { ["email"] = "anna@example.com", ["name"] = "Anna K." });
        sandbox.Services.HelpCrunch.Faults.FailNext(Fault.Answer("""{"total": 1}"""), "/customers/search"); // Dana's row: held
        sandbox.Services.Telegram.RestrictChats("@another-chat"); // Chloe's alert fails: she needs a person
        var flowJson = JObject.Parse(await File.ReadAllTextAsync(Repo.CanonicalFlow));
        flowJson["batchSize"] = 1; // the fault hits Dana's search only
        flowJson["source"]!["filter"] = "Company != \"Skip Me\"";
        var flowPath = Path.Combine(sandbox.Directory, "mixed.json");
        await File.WriteAllTextAsync(flowPath, flowJson.ToString());
        using var loadErrors = new StringWriter();
        var flow = FlowSession.LoadOne(flowPath, sandbox.ConnectionsPath, new Console(TextWriter.Null, loadErrors));
        Assert.True(flow is not null, loadErrors.ToString());
        using var streamedOutput = new StringWriter();
        using var lines = new RunLines(streamedOutput, memoryChars);
        using var store = StateStores.Open(sandbox.StatePath);

        // One run, both ways: the report keeps its rows for the old printer, and the lines are streamed for the new one.
        var report = await new FlowRunner(store) { KeepRows = true, RowRecorded = lines.Add }.RunAsync(flow!, CancellationToken.None);
        ReportPrinter.PrintRun(report with { Items = [] }, lines, new Console(streamedOutput, TextWriter.Null));
        using var keptOutput = new StringWriter();
        LegacyPrintRun(report, new Console(keptOutput, TextWriter.Null));

        Assert.Equal(keptOutput.ToString(), streamedOutput.ToString());
        Assert.Equal(spills, lines.Spilled);
        var text = streamedOutput.ToString();
        Assert.Contains("5 new row(s)", text, StringComparison.Ordinal);
        Assert.True(text.Contains("(2 need a person, 1 with failures the flow handled, 1 held, 1 skipped, 0 already recorded)", StringComparison.Ordinal), text);
        Assert.Contains(" held    | update: held (", text, StringComparison.Ordinal);
        Assert.Contains("alert: FAILED (", text, StringComparison.Ordinal);
        Assert.Contains(" skipped | the data filter rejected this row", text, StringComparison.Ordinal);
        Assert.Contains("  2 row(s) need a person", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Spool_GoesToAFileWithNoName_WhenMemoryIsFull()
    {
        var pattern = $"rulesengine-report-{Environment.ProcessId}-*";
        using var output = new StringWriter();
        var spool = new LineSpool(memoryChars: 10);

        spool.Write("first line é\n");
        var visible = Directory.GetFiles(Path.GetTempPath(), pattern);
        spool.CopyTo(output);
        spool.Write("second line ✓\n"); // writing goes on after a copy (the Ctrl+C summary copies, then the run may add)
        spool.CopyTo(output);
        spool.Dispose();

        Assert.True(spool.Spilled);
        Assert.Equal("first line é\nfirst line é\nsecond line ✓\n", output.ToString());
        if (!OperatingSystem.IsWindows()) Assert.Empty(visible); // unlinked while in use: nothing to read, nothing left
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), pattern));
    }

    /// <summary><c>ReportPrinter.PrintRun</c> as it was before issue 11 (every row kept in the report): the reference
    /// the streamed output must equal.</summary>
    private static void LegacyPrintRun(RunReport report, Console console, bool replayed = false)
    {
        var skipped = report.Items.Count(i => i.Status == RowStatus.Skipped);
        var needsPerson = report.Items.Count(i => i.Attention.NeedsPerson);
        var handled = report.Items.Count(i => !i.Attention.NeedsPerson && i.FailedSteps > 0);
        var held = report.Items.Count(i => i.Status == RowStatus.Held);
        console.Out($"run {report.RunId} of {report.Flow}: {report.Items.Count} {(replayed ? "replayed" : "new")} row(s) in {report.Elapsed.TotalSeconds:0.00} s" +
            $" ({needsPerson} need a person, {handled} with failures the flow handled, {held} held, {skipped} skipped," +
            $" {report.AlreadyRecorded} already recorded)");
        if (report.Note.Length > 0) console.Out("  " + report.Note);
        foreach (var item in report.Items) console.Out("  " + ReportPrinter.ItemLine(item));
        if (report.Status == RunStatus.Failed) console.Out($"  run failed: {TerminalText.Escape(report.Error)}");
        var open = report.Items.Where(i => i.Attention.NeedsPerson).ToList();
        if (open.Count > 0)
        {
            console.Out($"  {open.Count} row(s) need a person ('history {report.Flow} --failed' lists them, 'replay <flow.json> --failed' runs them again):");
            foreach (var item in open)
                console.Out($"    row {item.Item.Number,-4} {RowLabel.Of(item.Item.Fields),-28} {TerminalText.Escape(item.Attention.Reason)}");
        }
        console.Out($"  link: {report.Link}");
    }
}
