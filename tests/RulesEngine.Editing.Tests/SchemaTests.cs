using System.Reflection;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Cli.Commands;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

public sealed class SchemaTests
{
    [Fact]
    public async Task CommittedSchema_IsWhatTheSchemaVerbGenerates()
    {
        var generated = await CliRun.RunAsync("schema");

        Assert.Equal(0, generated.ExitCode);
        var committed = File.Exists(Repo.SchemaFile) ? (await File.ReadAllTextAsync(Repo.SchemaFile)).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(committed == generated.Output.ReplaceLineEndings("\n"),
            $"schema/flow.schema.json is out of date with the step types' specs. Regenerate it from the repository root:\n  {SchemaCommand.RegenerateCommand}");
    }

    [Fact]
    public async Task SchemaVerb_WritesTheFile_WithOut()
    {
        using var scratch = new Scratch();
        var target = scratch.File("nested/flow.schema.json");

        var result = await CliRun.RunAsync("schema", "--out", target);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal((await CliRun.RunAsync("schema")).Output, await File.ReadAllTextAsync(target));
    }

    [Theory]
    [MemberData(nameof(Repo.ShippedFlows), MemberType = typeof(Repo))]
    public void ShippedFlow_PointsAtTheCommittedSchema_InItsFirstProperty(string flow)
    {
        var path = Path.Combine(Repo.Root, flow);
        var first = JObject.Parse(File.ReadAllText(path)).Properties().First();

        Assert.Equal("$schema", first.Name);
        Assert.Equal(Repo.SchemaFile, Path.GetFullPath(first.Value.ToString(), Path.GetDirectoryName(path)!));
    }

    [Theory]
    [MemberData(nameof(Repo.ShippedFlows), MemberType = typeof(Repo))]
    public async Task Schema_AcceptsShippedFlow(string flow)
    {
        var errors = await FlowSchema.ValidateAsync(await File.ReadAllTextAsync(Path.Combine(Repo.Root, flow)));

        Assert.True(errors.Count == 0, FlowSchema.Describe(errors));
    }

    [Theory]
    [MemberData(nameof(FlowCases.Valid), MemberType = typeof(FlowCases))]
    public async Task Schema_AcceptsFlow_TheLoaderAccepts(string name, string flow)
    {
        var errors = await FlowSchema.ValidateAsync(flow);

        Assert.True(errors.Count == 0, name + ":\n" + FlowSchema.Describe(errors));
    }

    [Theory]
    [MemberData(nameof(FlowCases.Invalid), MemberType = typeof(FlowCases))]
    public async Task Schema_RejectsFlow_TheLoaderRejects(string name, string flow)
    {
        var errors = await FlowSchema.ValidateAsync(flow);

        Assert.True(errors.Count > 0, name + ": the schema accepted it");
    }

    [Fact]
    public void SchemaFields_AreTheFieldsTheLoaderAccepts()
    {
        var schema = JObject.Parse(File.ReadAllText(Repo.SchemaFile));
        var definitions = (JObject)schema["definitions"]!;

        AssertSameNames(LoaderFields("RootFields"), Names(schema["properties"]), "root of a flow", "EngineFields.Root");
        AssertSameNames(LoaderFields("IfFields"), Names(definitions["step:if"]!["properties"]), "if block", "EngineFields.IfBlock");
        var registry = Composition.Registry();
        foreach (var source in registry.Sources)
        {
            string[] accepted = [.. StepSpec.CommonFields, .. source.Fields.Select(f => f.Name), .. LoaderFields("EngineSourceFields")];
            var described = Names(definitions["source:" + source.Type]!["properties"]);
            Assert.Empty(described.Except(accepted));
            Assert.Empty(LoaderFields("EngineSourceFields").Except(described));
        }
        foreach (var step in registry.Receivers)
        {
            var described = Names(definitions["step:" + step.Type]!["properties"]);
            Assert.Empty(step.Fields.Select(f => f.Name).Except(described));
            Assert.Empty(described.Except([.. StepSpec.CommonFields, .. step.Fields.Select(f => f.Name)]));
        }
    }

    [Fact]
    public async Task SchemaWithConnections_OffersTheNamesOfTheTypeEachStepNeeds()
    {
        using var scratch = new Scratch();
        var connections = scratch.File("connections.json");
        await File.WriteAllTextAsync(connections, """
            { "sheets": { "type": "googleSheets" }, "support": { "type": "helpCrunch" }, "sales": { "type": "helpCrunch" },
              "alerts": { "type": "telegram" } }
            """);

        var result = await CliRun.RunAsync("schema", "--connections", connections);

        Assert.Equal(0, result.ExitCode);
        var definitions = JObject.Parse(result.Output)["definitions"]!;
        Assert.Equal(["sales", "support"], definitions["step:helpCrunch.updateContact"]!["properties"]!["connection"]!["enum"]!.Values<string>());
        Assert.Equal(["alerts"], definitions["step:telegram.sendMessage"]!["properties"]!["connection"]!["enum"]!.Values<string>());
        var unknownConnection = FlowCases.Flow("""{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": "x" }""");
        Assert.NotEmpty(await FlowSchema.ValidateWithAsync(result.Output, unknownConnection));
    }

    private static string[] LoaderFields(string name) =>
        (string[])(typeof(FlowLoader).GetField(name, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"FlowLoader no longer has {name}; update this test")).GetValue(null)!;

    private static string[] Names(JToken? properties) => [.. ((JObject)properties!).Properties().Select(p => p.Name)];

    private static void AssertSameNames(string[] loader, string[] schema, string what, string where)
    {
        var undescribed = loader.Except(schema).ToList();
        var unknown = schema.Except(loader).ToList();
        Assert.True(undescribed.Count == 0 && unknown.Count == 0,
            $"{what}: the loader accepts [{string.Join(", ", undescribed)}] that the schema does not describe, and the schema describes " +
            $"[{string.Join(", ", unknown)}] that the loader rejects; change {where} and run: {SchemaCommand.RegenerateCommand}");
    }
}
