using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Flows;

public sealed class FlowLoaderTests
{
    [Fact]
    public void Load_ReportsLineAndColumn_ForMalformedJson()
    {
        var set = new TestRegistry().Load("{\n  \"source\": { \"type\": \"memory.rows\" },\n  \"steps\": [ { \"id\": \"a\" \"type\": \"test.call\" } ]\n}");

        var error = Assert.Single(set.Diagnostics);
        Assert.Equal(("RE0001", 3), (error.Code, error.Line));
        Assert.Matches(@"flow\.json\(3,\d+\): error RE0001: invalid JSON", error.ToString());
    }

    [Fact]
    public void Load_PointsAtTheTypeAndSuggestsTheNearestName_ForAnUnknownStepType()
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [ { "id": "a", "type": "test.cal" } ]
            }
            """);

        var error = Assert.Single(set.Diagnostics);
        Assert.Equal(("RE0015", 3, 35), (error.Code, error.Line, error.Column));
        Assert.Contains("did you mean 'test.call'", error.Message);
    }

    [Fact]
    public void Load_ReportsUnknownFieldsAndDuplicateIds_AllAtOnce()
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [
                { "id": "a", "type": "test.call", "txt": "x" },
                { "id": "a", "type": "test.call" }
              ]
            }
            """);

        Assert.Equal(["RE0005", "RE0021"], set.Diagnostics.Select(d => d.Code));
        Assert.Contains("did you mean 'text'", set.Diagnostics[0].Message);
    }

    [Fact]
    public void Load_NamesTheConnectionsFile_ForAnUnknownConnection()
    {
        var registry = new TestRegistry();
        registry.Registry.AddReceiver(new RulesEngine.Sdk.StepSpec("test.connected", "needs a connection", [], ConnectionType: "thing"),
            config => { config.Connection<object>(); return new ScriptedReceiver(_ => RulesEngine.Sdk.StepOutcome.Success()); });

        var set = registry.Load("""
            { "source": { "type": "memory.rows" }, "steps": [ { "id": "a", "type": "test.connected", "connection": "nope" } ] }
            """);

        var error = Assert.Single(set.Diagnostics);
        Assert.Equal("RE0305", error.Code);
        Assert.Contains("unknown connection 'nope'", error.Message);
    }

    [Fact]
    public void Load_PointsInsideTheJsonString_ForATypoInACondition()
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [
                { "id": "update", "type": "test.call" },
                { "id": "check", "type": "if", "condition": "updat.Failed", "then": [] }
              ]
            }
            """);

        var error = Assert.Single(set.Diagnostics);
        Assert.Equal((5, 50), (error.Line, error.Column));
        Assert.Contains("update", error.Message);
    }

    [Fact]
    public void Load_RejectsATemplateThatNamesALaterStep()
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [
                { "id": "first", "type": "test.call", "text": "{second.Error}" },
                { "id": "second", "type": "test.call" }
              ]
            }
            """);

        var error = Assert.Single(set.Diagnostics);
        Assert.Equal(4, error.Line);
        Assert.Contains("second", error.Message);
        Assert.Contains("after", error.Message);
    }

    [Fact]
    public void Load_AcceptsConditionsAndPlaceholdersWrappedInParentheses()
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [
                { "id": "update", "type": "test.call", "text": "Hi {(Name == \"\" ? \"there\" : Name)}" },
                { "id": "check", "type": "if", "condition": "(update.Failed) && (Email != \"\")", "then": [] },
                { "id": "again", "type": "if", "condition": "((update.Failed))", "then": [] }
              ]
            }
            """);

        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_CompilesCollectiblyOrNot_AsAsked_AndUnloadNeverThrows(bool collectible)
    {
        var set = new TestRegistry().Load("""
            {
              "source": { "type": "memory.rows" },
              "steps": [
                { "id": "update", "type": "test.call", "text": "Hi {Name}" },
                { "id": "check", "type": "if", "condition": "update.Failed && Email != \"\"", "then": [] }
              ]
            }
            """, collectible: collectible);

        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        var code = Assert.IsType<RulesEngine.Core.Expressions.CompiledExpressions>(set.Code);
        Assert.Equal(collectible, code.IsCollectible);
        set.Unload();
        Assert.False(code.IsLoaded);
    }
}
