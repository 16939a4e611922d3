using Newtonsoft.Json.Linq;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

[Collection(ProcessWideState.Name)]
public sealed class InitTests
{
    [Theory]
    [InlineData("canonical")]
    [InlineData("blank")]
    public async Task Init_WritesAFlowThatValidates_AndTheSchemaAccepts(string template)
    {
        await using var emulators = await Emulators.StartAsync();
        var folder = Path.Combine(emulators.Folder, "rules");

        var result = await CliRun.RunAsync("init", "new-leads", "--template", template, "--dir", folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        var path = Path.Combine(folder, "new-leads.json");
        var text = await File.ReadAllTextAsync(path);
        Assert.Equal("new-leads", JObject.Parse(text)["name"]!.ToString());
        var validate = await CliRun.RunAsync("validate", path, "--connections", emulators.Connections);
        Assert.True(validate.ExitCode == 0, validate.ToString());
        var errors = await FlowSchema.ValidateAsync(text);
        Assert.True(errors.Count == 0, FlowSchema.Describe(errors));
    }

    [Fact]
    public async Task Init_Canonical_IsTheShippedFlowUnderANewName()
    {
        using var scratch = new Scratch();

        await CliRun.RunAsync("init", "copy", "--dir", scratch.Path);

        var written = JObject.Parse(await File.ReadAllTextAsync(scratch.File("copy.json")));
        var shipped = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(Repo.RulesFolder, "helpcrunch-contacts.json")));
        written.Remove("name");
        written.Remove("$schema");
        shipped.Remove("name");
        shipped.Remove("$schema");
        Assert.True(JToken.DeepEquals(shipped, written));
    }

    [Fact]
    public async Task Init_RefusesToOverwrite()
    {
        using var scratch = new Scratch();
        var path = scratch.File("mine.json");
        await File.WriteAllTextAsync(path, "{ \"my\": \"work\" }");

        var result = await CliRun.RunAsync("init", "mine", "--dir", scratch.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already exists", result.Errors);
        Assert.Equal("{ \"my\": \"work\" }", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task Init_PointsAtTheNearestSchemaAboveTheFolder()
    {
        using var scratch = new Scratch();
        Directory.CreateDirectory(scratch.File("schema"));
        await File.WriteAllTextAsync(scratch.File("schema/flow.schema.json"), "{}");
        var folder = scratch.File("rules/team");

        var result = await CliRun.RunAsync("init", "signups", "--template", "blank", "--dir", folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        var flow = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "signups.json")));
        Assert.Equal("$schema", flow.Properties().First().Name);
        Assert.Equal("../../schema/flow.schema.json", flow["$schema"]!.ToString());
    }

    [Theory]
    [InlineData("init")]
    [InlineData("init", "x", "--template", "fancy")]
    [InlineData("init", "../escape")]
    [InlineData("init", "a", "b")]
    public async Task Init_WithBadArguments_IsAUsageError(params string[] args)
    {
        var result = await CliRun.RunAsync(args);

        Assert.Equal(64, result.ExitCode);
    }

    [Fact]
    public async Task BlankTemplate_RunsAgainstTheEmulators_OnlyOnRowsAddedAfterTheFirstRun()
    {
        await using var emulators = await Emulators.StartAsync();
        await CliRun.RunAsync("init", "signups", "--template", "blank", "--dir", emulators.Folder);
        var path = emulators.File("signups.json");
        var flow = JObject.Parse(await File.ReadAllTextAsync(path));
        var spreadsheetId = flow["source"]!["spreadsheetId"]!.ToString();
        var sheet = flow["source"]!["sheet"]!.ToString();
        emulators.Services.Sheets.AddSheet(spreadsheetId, sheet, [["Email", "Name"], ["old@example.com", "Already There"]]);
        string[] run = ["run", path, "--connections", emulators.Connections, "--state", emulators.File("state.db")];

        var first = await CliRun.RunAsync(run);
        emulators.Services.Sheets.AppendRow(spreadsheetId, sheet, "new@example.com", "Dana Scully");
        var second = await CliRun.RunAsync(run);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var message = Assert.Single(emulators.Services.Telegram.SentMessages);
        Assert.Equal("New row 3: Dana Scully (new@example.com)", message.Text);
    }
}
