using Newtonsoft.Json.Linq;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

[Collection(ProcessWideState.Name)]
public sealed class ValidateJsonTests
{
    [Fact]
    public async Task ShippedFlows_Validate_AgainstTheEmulators()
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("validate", Repo.RulesFolder, "--connections", emulators.Connections);

        Assert.True(result.ExitCode == 0,
            "every flow in rules/ must validate against the connections of Cli/Demo/EmulatedServices (add a connection there when a " +
            "shipped flow needs a new one)\n" + result);
    }

    [Fact]
    public async Task ValidateJson_ReportsValidFlows_WithExitCode0()
    {
        await using var emulators = await Emulators.StartAsync();

        var canonical = Path.Combine(Repo.RulesFolder, "helpcrunch-contacts.json");

        var result = await CliRun.RunAsync("validate", canonical, "--connections", emulators.Connections, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Errors);
        var json = JObject.Parse(result.Output);
        Assert.Empty((JArray)json["diagnostics"]!);
        Assert.Equal(0, json["summary"]!["errors"]!.Value<int>());
        Assert.Equal(1, json["summary"]!["files"]!.Value<int>());
        Assert.Contains("helpcrunch-contacts", json["summary"]!["valid"]!.Values<string>());
    }

    [Fact]
    public async Task ValidateJson_GivesEveryProblemWithItsPlace_AndTheSameExitCodeAsText()
    {
        await using var emulators = await Emulators.StartAsync();
        var flow = emulators.WriteFlow("broken.json", """
            {
              "name": "broken",
              "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts", "columns": ["Email"] },
              "steps": [
                { "id": "alert", "type": "telegram.sendMesage", "connection": "telegram", "chatId": "1", "text": "x" },
                { "id": "check", "type": "if", "condition": "true", "then": [], "esle": [] }
              ]
            }
            """);

        var json = await CliRun.RunAsync("validate", flow, "--connections", emulators.Connections, "--json");
        var text = await CliRun.RunAsync("validate", flow, "--connections", emulators.Connections);

        Assert.Equal(1, json.ExitCode);
        Assert.Equal(text.ExitCode, json.ExitCode);
        Assert.Equal("", json.Errors);
        var document = JObject.Parse(json.Output);
        var diagnostics = document["diagnostics"]!.Children<JObject>().ToList();
        Assert.Equal(["code", "column", "file", "line", "message", "severity"], diagnostics[0].Properties().Select(p => p.Name).Order());
        var unknownType = Assert.Single(diagnostics, d => d["code"]!.ToString() == "RE0015");
        Assert.Equal(5, unknownType["line"]!.Value<int>());
        Assert.EndsWith("broken.json", unknownType["file"]!.ToString());
        Assert.Contains("telegram.sendMessage", unknownType["message"]!.ToString());
        Assert.Equal("error", unknownType["severity"]!.ToString());
        Assert.Contains(diagnostics, d => d["line"]!.Value<int>() == 6 && d["code"]!.ToString() == "RE0005" && d["message"]!.ToString().Contains("esle"));
        Assert.Equal(diagnostics.Count, document["summary"]!["errors"]!.Value<int>());
        Assert.Empty((JArray)document["summary"]!["valid"]!);
        // The text form prints the same problems, one per line.
        Assert.Equal(diagnostics.Count, text.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task ValidateJson_WithoutFiles_IsAUsageError()
    {
        var result = await CliRun.RunAsync("validate", "--json");

        Assert.Equal(64, result.ExitCode);
    }

    [Theory]
    [MemberData(nameof(FlowCases.Valid), MemberType = typeof(FlowCases))]
    public async Task Loader_AcceptsFlow_TheSchemaAccepts(string name, string flow)
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("validate", emulators.WriteFlow("case.json", flow), "--connections", emulators.Connections);

        Assert.True(result.ExitCode == 0, name + "\n" + result);
    }

    [Theory]
    [MemberData(nameof(FlowCases.Invalid), MemberType = typeof(FlowCases))]
    public async Task Loader_RejectsFlow_TheSchemaRejects(string name, string flow)
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("validate", emulators.WriteFlow("case.json", flow), "--connections", emulators.Connections);

        Assert.True(result.ExitCode == 1, name + "\n" + result);
    }
}
