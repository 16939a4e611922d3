using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 9 items 5 and 6: outcomes that mean what they say. A failure the canonical flow handles (a new contact; an
/// alert that was delivered) is not a row that needs a person; a failure it did not handle, and a delivery that is
/// unknown, are listed wherever a person looks: the run summary, <c>history --failed</c>, <c>status</c>.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class OutcomeTests
{
    [Fact]
    public async Task NewContactAndDeliveredAlert_AreHandled_NothingIsOpen()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);

        var run = await sandbox.RunAsync(Repo.CanonicalFlow, "--fail-on-open");
        var open = await sandbox.HistoryAsync(Sandbox.FlowName, "--failed");
        var replay = await CliResult.RunAsync("replay", Repo.CanonicalFlow, "--failed", "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("(0 need a person, 2 with failures the flow handled, 0 held", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("need a person (", run.Output, StringComparison.Ordinal);
        Assert.Single(sandbox.Services.Telegram.SentMessages);
        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.StartsWith($"no open rows for flow '{Sandbox.FlowName}'", open.Output, StringComparison.Ordinal);
        Assert.True(replay.ExitCode == 4, replay.ToString());
    }

    [Fact]
    public async Task AlertThatFailed_IsListedInTheSummaryAndHistory_AndFailOnOpenExitsFive_WithoutItZero()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);
        sandbox.Services.Telegram.RestrictChats("@another-chat"); // the flow's chat answers "chat not found"

        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        var open = await sandbox.HistoryAsync(Sandbox.FlowName, "--failed");

        Assert.True(run.ExitCode == 0, run.ToString()); // without --fail-on-open, scripts keep their 0
        Assert.Contains("(1 need a person, 1 with failures the flow handled", run.Output, StringComparison.Ordinal);
        var listed = Lines(run.Output).SkipWhile(l => !l.Contains("row(s) need a person", StringComparison.Ordinal)).Skip(1).First();
        Assert.Contains("row 3", listed, StringComparison.Ordinal);
        Assert.Contains("chloe@example.com", listed, StringComparison.Ordinal);
        Assert.Contains("alert failed, not handled: ", listed, StringComparison.Ordinal);
        Assert.Contains("chat not found", listed, StringComparison.Ordinal);
        var rows = Lines(open.Output).Where(l => l.StartsWith("  row ", StringComparison.Ordinal)).ToList();
        var row = Assert.Single(rows); // Ben's handled failure does not drown it
        Assert.Contains("chloe@example.com", row, StringComparison.Ordinal);
        Assert.Contains("NEEDS A PERSON: alert failed", row, StringComparison.Ordinal);

        var json = await sandbox.HistoryAsync("--run", Sandbox.RunIdOf(run), "--json");
        var judged = ((JArray)JObject.Parse(json.Output)["rows"]!).Cast<JObject>()
            .Select(r => (Row: (int)r.GetValue("number", StringComparison.OrdinalIgnoreCase)!,
                NeedsPerson: (bool)r.GetValue("needsPerson", StringComparison.OrdinalIgnoreCase)!,
                Attention: (string)r.GetValue("attention", StringComparison.OrdinalIgnoreCase)!)).ToList();
        Assert.Equal([(2, false, ""), (3, true, judged[1].Attention)], judged);
        Assert.StartsWith("alert failed, not handled: ", judged[1].Attention, StringComparison.Ordinal);

        sandbox.AppendRow("zoe@example.com", "Zoe Xu", "+15550100", "Initech", "xx"); // fails like Chloe
        var strict = await sandbox.RunAsync(Repo.CanonicalFlow, "--fail-on-open");
        Assert.True(strict.ExitCode == 5, strict.ToString());
        var replay = await CliResult.RunAsync("replay", Repo.CanonicalFlow, "--failed", "--fail-on-open", "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath);
        Assert.True(replay.ExitCode == 5, replay.ToString()); // both still open: their recorded failures are replayed, not retried
        Assert.Contains("(2 need a person", replay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeliveryUnknown_IsListedByStatusAndHistory()
    {
        await using var sandbox = await Sandbox.StartAsync();
        RecordChloesRunWithAnAlertOfUnknownDelivery(sandbox.StatePath);

        var status = await CliResult.RunAsync("status", "--rules", Repo.RulesFolder, "--state", sandbox.StatePath);
        var open = await sandbox.HistoryAsync(Sandbox.FlowName, "--failed");

        var flowLines = Lines(status.Output).SkipWhile(l => !l.StartsWith(Sandbox.FlowName + " ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Contains("  open rows:  1 need a person", flowLines.Single(l => l.StartsWith("  open rows:", StringComparison.Ordinal)), StringComparison.Ordinal);
        var row = flowLines.Single(l => l.StartsWith("    row 4", StringComparison.Ordinal));
        Assert.Contains("chloe@example.com", row, StringComparison.Ordinal);
        Assert.Contains("alert: delivery unknown", row, StringComparison.Ordinal);
        Assert.Contains("last run:   ", string.Join("\n", flowLines), StringComparison.Ordinal);
        Assert.Contains("1 need a person", flowLines.Single(l => l.StartsWith("  last run:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("NEEDS A PERSON: alert: delivery unknown", open.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OnAMissingStateFile_SaysSo_AndDoesNotCreateIt()
    {
        await using var sandbox = await Sandbox.StartAsync();

        var status = await CliResult.RunAsync("status", "--rules", Repo.RulesFolder, "--state", sandbox.StatePath);

        Assert.StartsWith($"no state file at {sandbox.StatePath}", status.Output, StringComparison.Ordinal);
        Assert.Contains("last run:   never", status.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(sandbox.StatePath), "status created the state file");
    }

    /// <summary>What a run records when its alert was cut off mid-send and the step answered "delivery unknown"
    /// (output deliveryUnknown=1): written through the store, as the runner writes it, so the test does not depend
    /// on the sending step's delivery policy.</summary>
    private static void RecordChloesRunWithAnAlertOfUnknownDelivery(string statePath)
    {
        using var store = new SqliteStateStore(statePath);
        var now = DateTimeOffset.UtcNow;
        var runId = store.BeginRun(Sandbox.FlowName, now);
        var fields = Sandbox.Header.Zip(Sandbox.Chloe).ToDictionary(p => p.First, p => p.Second);
        var item = new SourceItem("chloe-key", 4, fields, "4");
        store.StartItems(runId, Sandbox.FlowName, "sheet", [item]);
        RecordedStep Step(string id, int result, string error, Dictionary<string, string> output) => new(id, result, error, output, runId, now);
        var steps = new[]
        {
            Step("update", 0, "no HelpCrunch contact with email = chloe@example.com", []),
            Step("ifUpdateFailed", 1, "", new() { ["explanation"] = "update.Failed = true" }),
            Step("create", 0, "locale 'xx' is not an ISO 639-1 language code", []),
            Step("ifCreateFailed", 1, "", new() { ["explanation"] = "create.Failed = true" }),
            Step("alert", 0, "delivery unknown: the call was cut off", new() { ["deliveryUnknown"] = "1" }),
        };
        foreach (var step in steps) store.RecordStep(runId, Sandbox.FlowName, "sheet", item.Key, step);
        store.CompleteItem(runId, Sandbox.FlowName, "sheet", item, RowStatus.Done, 3, "", RowAttention.For(RowStatus.Done, "", steps), "4");
        store.FinishRun(runId, RunStatus.Completed, "", now);
    }

    private static List<string> Lines(string text) => [.. text.ReplaceLineEndings("\n").Split('\n')];
}
