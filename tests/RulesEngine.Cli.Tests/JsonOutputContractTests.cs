using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Every <c>--json</c> output follows one convention, camelCase (docs/json-output.md): scripts, jq and PowerShell's
/// ConvertFrom-Json (which rejects keys that differ only in case, such as <c>status</c> and <c>Status</c>) read them.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class JsonOutputContractTests
{
    [Fact]
    public async Task EveryJsonOutput_HasOnlyCamelCaseKeys_AndNoKeysThatDifferOnlyInCase()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);
        var runId = Sandbox.RunIdOf(await sandbox.RunAsync(Repo.CanonicalFlow));
        var connections = sandbox.ConnectionsPath;

        var outputs = new (string Command, CliResult Result)[]
        {
            ("validate --json", await CliResult.RunAsync("validate", Repo.CanonicalFlow, "--connections", connections, "--json")),
            ("validate --json, with errors", await CliResult.RunAsync("validate", Repo.Fixture("unknown-step-type.json"), "--connections", connections, "--json")),
            ("list --json", await CliResult.RunAsync("list", "--json")),
            ("sample --json", await CliResult.RunAsync("sample", Repo.CanonicalFlow, "--connections", connections, "--json")),
            ("history --json", await sandbox.HistoryAsync("--json")),
            ("history --run ID --json", await sandbox.HistoryAsync("--run", runId, "--json")),
            ("history FLOW --failed --json", await sandbox.HistoryAsync(Sandbox.FlowName, "--failed", "--json")),
        };

        foreach (var (command, result) in outputs)
        {
            Assert.True(result.ExitCode is 0 or 1, $"{command}: {result}");
            var problems = JsonKeys.Problems(JToken.Parse(result.Output));
            Assert.True(problems.Count == 0, $"{command}:\n{string.Join("\n", problems)}\n{result.Output}");
        }
    }

    [Fact]
    public async Task HistoryJson_KeepsBothStatuses_UnderDistinctNames_AndColumnNamesAsTheyAre()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Chloe);
        var runId = Sandbox.RunIdOf(await sandbox.RunAsync(Repo.CanonicalFlow));

        var row = (JObject)Assert.Single((JArray)JObject.Parse((await sandbox.HistoryAsync("--run", runId, "--json")).Output)["rows"]!);

        Assert.Equal("done", row.Value<string>("status"));     // as history shows it ("pending" for a held row)
        Assert.Equal("done", row.Value<string>("rowStatus"));  // as recorded in this run
        Assert.Equal("chloe@example.com", row["fields"]!.Value<string>("Email")); // a column name is data: kept
    }
}
