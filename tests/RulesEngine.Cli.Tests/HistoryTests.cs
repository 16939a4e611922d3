using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>The <c>history</c> verb: failures do not vanish; each row's step results and error texts are kept.</summary>
[Collection(ProcessWideState.Name)]
public sealed class HistoryTests
{
    private const string LocaleError = "locale 'xx' is not an ISO 639-1 language code";

    [Fact]
    public async Task History_ListsTheRun_AndShowsEachRowsStepsAndErrors()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        var runId = Sandbox.RunIdOf(run);

        var list = await sandbox.HistoryAsync();
        Assert.True(list.ExitCode == 0, list.ToString());
        var line = Assert.Single(list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{runId}  {Sandbox.FlowName}", line, StringComparison.Ordinal);
        Assert.Contains("completed", line, StringComparison.Ordinal);
        Assert.Contains("rows 2, need a person 0", line, StringComparison.Ordinal);

        var rows = await sandbox.HistoryAsync("--run", runId);
        Assert.True(rows.ExitCode == 0, rows.ToString());
        var lines = rows.Output.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var ben = lines.FindIndex(l => l.StartsWith("  row 2 ", StringComparison.Ordinal));
        var chloe = lines.FindIndex(l => l.StartsWith("  row 3 ", StringComparison.Ordinal));
        Assert.True(ben > 0 && chloe > ben, rows.ToString());
        Assert.Equal(
            ["update           result 0  error: no HelpCrunch contact with email = ben@example.com", "ifUpdateFailed   result 1", "create           result 1", "ifCreateFailed   result 0"],
            lines[(ben + 1)..chloe].Select(l => l.Trim()));
        var chloeSteps = lines[(chloe + 1)..].Where(l => l.Length > 0).Select(l => l.Trim()).ToList();
        Assert.Equal(["update", "ifUpdateFailed", "create", "ifCreateFailed", "alert"], chloeSteps.Select(l => l.Split(' ')[0]));
        Assert.Contains($"create           result 0  error: {LocaleError}", chloeSteps[2], StringComparison.Ordinal);
        Assert.Equal("alert            result 1", chloeSteps[4]);
    }

    [Fact]
    public async Task HistoryJson_ParsesAsJson_WithTheRowsStepResultsAndErrors()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Chloe);
        var runId = Sandbox.RunIdOf(await sandbox.RunAsync(Repo.CanonicalFlow));

        var list = await sandbox.HistoryAsync("--json");
        var one = await sandbox.HistoryAsync("--run", runId, "--json");

        Assert.True(list.ExitCode == 0 && one.ExitCode == 0, list + "\n" + one);
        var runs = JArray.Parse(list.Output);
        Assert.Equal(runId, Assert.Single(runs).Value<string>("id"));
        var json = JObject.Parse(one.Output);
        Assert.Equal(runId, json["run"]!.Value<string>("id"));
        var row = Assert.Single((JArray)json["rows"]!);
        Assert.Equal(2, row.Value<int>("number"));
        Assert.Equal("chloe@example.com", row["fields"]!.Value<string>("Email"));
        var create = row["steps"]!.Single(s => s.Value<string>("stepId") == "create");
        Assert.Equal(0, create.Value<int>("result"));
        Assert.StartsWith(LocaleError, create.Value<string>("error"), StringComparison.Ordinal);
    }
}
