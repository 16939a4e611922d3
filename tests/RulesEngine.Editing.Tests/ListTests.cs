using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

public sealed class ListTests
{
    [Fact]
    public async Task ListJson_HasEveryRegisteredType_WithItsFields()
    {
        var registry = Composition.Registry();

        var result = await CliRun.RunAsync("list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JObject.Parse(result.Output);
        Assert.Equal(registry.Sources.Select(s => s.Type), json["sources"]!.Select(s => s["type"]!.ToString()));
        Assert.Equal(registry.Receivers.Select(s => s.Type).Prepend("if"), json["steps"]!.Select(s => s["type"]!.ToString()));
        Assert.Equal(registry.ConnectionTypes, json["connectionTypes"]!.Values<string>());
        var update = json["steps"]!.Single(s => s["type"]!.ToString() == "helpCrunch.updateContact");
        Assert.Equal("helpCrunch", update["connectionType"]!.ToString());
        var searchFor = update["fields"]!.Single(f => f["name"]!.ToString() == "searchFor");
        Assert.Equal("template", searchFor["kind"]!.ToString());
        Assert.True(searchFor["required"]!.Value<bool>());
        Assert.Contains(update["fields"]!, f => f["name"]!.ToString() == "connection" && f["required"]!.Value<bool>());
        var existingRows = json["sources"]![0]!["fields"]!.Single(f => f["name"]!.ToString() == "existingRows");
        Assert.Equal(["process", "skip"], existingRows["allowedValues"]!.Values<string>());
        var ifBlock = json["steps"]!.Single(s => s["type"]!.ToString() == "if");
        Assert.Equal(["condition", "then", "else"], ifBlock["fields"]!.Select(f => f["name"]!.ToString()));
    }

    [Fact]
    public async Task List_PrintsEachTypeAndField_ForPeople()
    {
        var result = await CliRun.RunAsync("list");

        Assert.Equal(0, result.ExitCode);
        foreach (var spec in Composition.Registry().Receivers.Concat(Composition.Registry().Sources))
        {
            Assert.Contains(spec.Type, result.Output);
            foreach (var field in spec.Fields) Assert.Contains(field.Description, result.Output);
        }
        Assert.Contains("one of: process | skip", result.Output);
    }
}
