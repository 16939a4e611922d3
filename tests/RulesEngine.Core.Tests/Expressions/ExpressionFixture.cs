using Newtonsoft.Json;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.ExpressionTests;

/// <summary>A flow's worth of names and one item, so tests read like the conditions users write.</summary>
internal static class ExpressionFixture
{
    public const string FlowFile = "flow.json";
    public const int Line = 7;
    public const int Column = 20;

    public static readonly ExpressionContext Context = new(
        Fields: ["Email", "First Name", "Plan", "2fa", "class"],
        EarlierSteps: ["update", "lookup"],
        LaterSteps: ["create"]);

    /// <summary>The value as it sits in the JSON file at (<see cref="Line"/>, <see cref="Column"/>).</summary>
    public static SourceLocation At(string value) => new(FlowFile, Line, Column, JsonConvert.SerializeObject(value));

    /// <summary>The JSON column of <paramref name="at"/>'s first occurrence in <paramref name="value"/> as
    /// <see cref="At"/> writes it (escapes shift columns); the closing quote's column when <paramref name="at"/> is empty.</summary>
    public static int ColumnOf(string value, string at)
    {
        var raw = JsonConvert.SerializeObject(value);
        var index = at.Length == 0 ? raw.Length - 1 : raw.IndexOf(JsonConvert.SerializeObject(at)[1..^1], StringComparison.Ordinal);
        Assert.True(index > 0, $"'{at}' is not in '{raw}'");
        return Column + index;
    }

    /// <summary>A location whose raw token is given as written in the file (escapes included).</summary>
    public static (string Value, SourceLocation Location) FromRaw(string rawToken) =>
        (JsonConvert.DeserializeObject<string>(rawToken)!, new SourceLocation(FlowFile, Line, Column, rawToken));

    public static ItemScope Scope(StepResult? update = null, StepResult? lookup = null)
    {
        var row = new SourceRow(3, new Dictionary<string, string>
        {
            ["Email"] = "jane@acme.com",
            ["First Name"] = "Jane",
            ["Plan"] = "pro",
            ["2fa"] = "yes",
            ["class"] = "gold",
            ["Seats"] = "12",
        });
        var scope = new ItemScope(row, new RunInfo("contacts", "run-42", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), "https://runs/42"));
        if (update is not null) scope.SetStep("update", update);
        if (lookup is not null) scope.SetStep("lookup", lookup);
        return scope;
    }

    public static CompiledCondition Condition(string code, ExpressionContext? context = null, TimeSpan? budget = null)
    {
        var compiler = budget is { } b ? new ExpressionCompiler { TimeBudget = b } : new ExpressionCompiler();
        var condition = compiler.AddCondition(code, context ?? Context, At(code));
        Assert.Empty(compiler.Compile());
        return condition;
    }

    public static CompiledTemplate Template(string text, ExpressionContext? context = null)
    {
        var compiler = new ExpressionCompiler();
        var template = compiler.AddTemplate(text, context ?? Context, At(text));
        Assert.Empty(compiler.Compile());
        return template;
    }

    public static IReadOnlyList<Diagnostic> ConditionErrors(string code, ExpressionContext? context = null)
    {
        var compiler = new ExpressionCompiler();
        compiler.AddCondition(code, context ?? Context, At(code));
        return compiler.Compile();
    }

    public static IReadOnlyList<Diagnostic> TemplateErrors(string text, ExpressionContext? context = null)
    {
        var compiler = new ExpressionCompiler();
        compiler.AddTemplate(text, context ?? Context, At(text));
        return compiler.Compile();
    }
}
