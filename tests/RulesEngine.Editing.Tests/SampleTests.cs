using Newtonsoft.Json.Linq;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

[Collection(ProcessWideState.Name)]
public sealed class SampleTests
{
    private static readonly string Canonical = Path.Combine(Repo.RulesFolder, "helpcrunch-contacts.json");

    [Fact]
    public async Task Sample_PrintsTheLastRealRow_WithTheNamesConditionsAndTemplatesUse()
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("sample", Canonical, "--connections", emulators.Connections);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("row 4 of googleSheets.newRows", result.Output);
        Assert.Matches(@"Email\s+Email\s+\{Email\}\s+""chloe@example.com""", result.Output);
        Assert.Matches(@"Locale\s+Locale\s+\{Locale\}\s+""xx""", result.Output);
        Assert.Contains("Row.Number = 4", result.Output);
        Assert.Contains("update, ifUpdateFailed, create, ifCreateFailed, alert", result.Output);
    }

    [Fact]
    public async Task SampleJson_GivesTheChosenRow()
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("sample", Canonical, "--row", "2", "--connections", emulators.Connections, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JObject.Parse(result.Output);
        Assert.Equal(2, json["row"]!.Value<int>());
        Assert.Equal("anna@example.com", json["fields"]!["Email"]!.ToString());
        var name = json["variables"]!.Single(v => v["field"]!.ToString() == "Name");
        Assert.Equal("Name", name["condition"]!.ToString());
        Assert.Equal("{Name}", name["template"]!.ToString());
        Assert.Equal("Anna Kovalenko", name["value"]!.ToString());
    }

    [Fact]
    public async Task Sample_DoesNotMoveThePosition_NorRecordTheRow()
    {
        await using var emulators = await Emulators.StartAsync();
        string[] run = ["run", Canonical, "--connections", emulators.Connections, "--state", emulators.File("state.db")];
        var first = await CliRun.RunAsync(run);
        emulators.Services.Sheets.AppendRow(FlowCases.SpreadsheetId, Emulators.Sheet, "dana@example.com", "Dana Scully", "+12025550199", "FBI", "en");
        emulators.Services.Sheets.ClearReceived();

        var sampled = await CliRun.RunAsync("sample", Canonical, "--connections", emulators.Connections);
        var sampledByNumber = await CliRun.RunAsync("sample", Canonical, "--row", "5", "--connections", emulators.Connections);
        var sheetRequests = emulators.Services.Sheets.Received.ToList();
        var second = await CliRun.RunAsync(run);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("3 new row(s)", first.Output);
        Assert.Contains("dana@example.com", sampled.Output);
        Assert.Contains("dana@example.com", sampledByNumber.Output);
        Assert.All(sheetRequests, r => Assert.Equal("GET", r.Method));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("1 new row(s)", second.Output);
        Assert.Contains("dana@example.com", second.Output);
    }

    [Fact]
    public async Task SampleNames_CompileInConditions_ForColumnsThatAreNotIdentifiers()
    {
        await using var emulators = await Emulators.StartAsync();
        emulators.Services.Sheets.AddSheet(FlowCases.SpreadsheetId, "Odd", [["First name", "E-mail", "class", "2nd"], ["Ann", "ann@example.com", "A", "x"]]);
        var source = """
            { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo",
              "sheet": "Odd", "columns": ["First name", "E-mail", "class", "2nd"] }
            """;
        var probe = emulators.WriteFlow("odd.json", FlowCases.Flow("", source));

        var sample = await CliRun.RunAsync("sample", probe, "--connections", emulators.Connections, "--json");

        Assert.True(sample.ExitCode == 0, sample.ToString());
        var variables = JObject.Parse(sample.Output)["variables"]!;
        Assert.Equal(["First_name", "E_mail", "@class", "_2nd"], variables.Select(v => v["condition"]!.ToString()));
        // Every printed name compiles in a condition and every printed placeholder in a template.
        var condition = string.Join(" && ", variables.Select(v => v["condition"] + " != null"));
        var text = string.Join(" ", variables.Select(v => v["template"]!.ToString()));
        var flow = emulators.WriteFlow("uses-names.json", FlowCases.Flow(
            $$"""{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": {{new JValue(text).ToString(Newtonsoft.Json.Formatting.None)}} }""",
            source.Replace("\"Odd\",", $"\"Odd\", \"filter\": {new JValue(condition).ToString(Newtonsoft.Json.Formatting.None)},", StringComparison.Ordinal)));
        var validate = await CliRun.RunAsync("validate", flow, "--connections", emulators.Connections);
        Assert.True(validate.ExitCode == 0, validate.ToString());
    }

    [Fact]
    public async Task Sample_WithoutDeclaredColumns_OffersRowIndexers()
    {
        await using var emulators = await Emulators.StartAsync();
        var flow = emulators.WriteFlow("undeclared.json", FlowCases.Flow("", """
            { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo", "sheet": "Contacts" }
            """));

        var result = await CliRun.RunAsync("sample", flow, "--connections", emulators.Connections, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var email = JObject.Parse(result.Output)["variables"]!.Single(v => v["field"]!.ToString() == "Email");
        Assert.Equal("Row[\"Email\"]", email["condition"]!.ToString());
        Assert.Equal("{Row[\"Email\"]}", email["template"]!.ToString());
    }

    [Fact]
    public async Task Sample_OfARowThatDoesNotExist_ExitsWith2()
    {
        await using var emulators = await Emulators.StartAsync();

        var result = await CliRun.RunAsync("sample", Canonical, "--row", "99", "--connections", emulators.Connections);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("row 99", result.Errors);
    }
}
