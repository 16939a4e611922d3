using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class ConditionTests
{
    [Theory]
    // fields, by name and by sanitized identifier
    [InlineData("Email.EndsWith(\"@acme.com\")", true)]
    [InlineData("Email == \"bob@acme.com\"", false)]
    [InlineData("First_Name == \"Jane\"", true)]
    [InlineData("_2fa == \"yes\"", true)]
    [InlineData("@class == \"gold\"", true)]
    [InlineData("Plan is \"pro\" or \"team\"", true)]
    // the row and the run
    [InlineData("Row[\"Seats\"] == \"12\"", true)]
    [InlineData("int.Parse(Row[\"Seats\"]) > 10", true)]
    [InlineData("Row[\"Missing\"] == \"\"", true)]
    [InlineData("Row.Number == 3", true)]
    [InlineData("Row.Has(\"Plan\") && !Row.Has(\"Missing\")", true)]
    [InlineData("Run.Flow == \"contacts\" && Run.Id == \"run-42\"", true)]
    [InlineData("Run.StartedAt.Year == 2025", true)]
    // LINQ, regex, string interpolation, switch expressions
    [InlineData("Row.Fields.Values.Any(v => v.Contains('@'))", true)]
    [InlineData("(from f in Row.Fields where f.Value == \"pro\" select f.Key).Single() == \"Plan\"", true)]
    [InlineData("Regex.IsMatch(Email, \"^[a-z]+@acme\\\\.com$\")", true)]
    [InlineData("$\"{First_Name}!\" == \"Jane!\"", true)]
    [InlineData("Plan switch { \"pro\" => true, _ => false }", true)]
    [InlineData("Row.Fields.GetValueOrDefault(\"Plan\") == \"pro\"", true)]
    [InlineData("Email.Split('@', StringSplitOptions.RemoveEmptyEntries).Length == 2", true)]
    // comments, and a lambda parameter that shadows a field
    [InlineData("Plan == \"pro\" // vip only", true)]
    [InlineData("/* vip */ Plan == \"pro\"", true)]
    [InlineData("Row.Fields.Keys.Any(Email => Email == \"Plan\")", true)]
    [InlineData("Row.Fields.Select(f => new { f.Key, Size = f.Value.Length }).Any(x => x.Size == 12)", false)]
    // earlier steps that ran
    [InlineData("update.Failed", true)]
    [InlineData("update.Result == 0 && update.Error == \"not found\"", true)]
    [InlineData("update.Ran && !update.Succeeded", true)]
    [InlineData("lookup.Succeeded && lookup[\"contactId\"] == \"c-7\"", true)]
    [InlineData("lookup[\"missing\"] == \"\"", true)]
    [InlineData("lookup is { Result: 1 }", true)]
    // constructors of allowed types, small arrays, collection expressions
    [InlineData("new DateTime(2025, 1, 2) == Run.StartedAt.Date", true)]
    [InlineData("new HashSet<string>(Row.Fields.Keys).Contains(\"Plan\")", true)]
    [InlineData("new[] { \"pro\", \"team\" }.Contains(Plan)", true)]
    [InlineData("new string[2].Length == 2", true)]
    public void Evaluate_ReturnsExpectedValue(string code, bool expected)
    {
        var scope = Scope(
            update: new StepResult(true, 0, "not found"),
            lookup: new StepResult(true, 1, "", new Dictionary<string, string> { ["contactId"] = "c-7" }));

        Assert.Equal(expected, Condition(code).Evaluate(scope));
    }

    [Theory]
    [InlineData("update.Failed")]
    [InlineData("update.Succeeded")]
    [InlineData("update.Result == 0")]
    [InlineData("update.Result == 1")]
    [InlineData("update.Ran")]
    [InlineData("update.Error != \"\"")]
    public void Evaluate_IsFalse_WhenStepDidNotRun(string code)
    {
        Assert.False(Condition(code).Evaluate(Scope()));
    }

    [Fact]
    public void Evaluate_ThrowsExpressionException_WhenConditionThrows()
    {
        var condition = Condition("int.Parse(Plan) > 0");

        var error = Assert.Throws<ExpressionException>(() => condition.Evaluate(Scope()));

        Assert.Contains("FormatException", error.Message);
        Assert.Equal(condition.Location, error.Location);
        // the row's error names the file place, so a person finds the condition without the history's location column
        Assert.Contains($"{Path.GetFileName(condition.Location.File)}({condition.Location.Line},{condition.Location.Column})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ReadsOnlyFieldsDeclaredInContext_WhenFieldsUnknown()
    {
        var context = new ExpressionContext(Fields: null, EarlierSteps: [], LaterSteps: []);

        Assert.True(Condition("Row[\"Email\"].Length > 3", context).Evaluate(Scope()));
    }

    [Fact]
    public void Evaluate_PrefersStepOverField_WhenNamesCollide()
    {
        var context = new ExpressionContext(Fields: ["update"], EarlierSteps: ["update"], LaterSteps: []);

        Assert.True(Condition("update.Failed", context).Evaluate(Scope(update: new StepResult(true, 0, "x"))));
    }

    [Fact]
    public void Compile_BindsEveryHandle_WhenManyConditionsShareOneCompilation()
    {
        var compiler = new ExpressionCompiler();
        var yes = compiler.AddCondition("Plan == \"pro\"", Context, At("Plan == \"pro\""));
        var no = compiler.AddCondition("Plan == \"free\"", Context, At("Plan == \"free\""));

        Assert.Empty(compiler.Compile());
        Assert.True(yes.Evaluate(Scope()));
        Assert.False(no.Evaluate(Scope()));
    }

    [Fact]
    public void Evaluate_IsThreadSafe_WhenBudgetedConditionRunsInParallel()
    {
        var condition = Condition("Row.Fields.Values.Any(v => v == \"pro\")");

        var results = new bool[1000];
        Parallel.For(0, results.Length, i => results[i] = condition.Evaluate(Scope()));

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void Compile_Throws_WhenCalledTwice()
    {
        var compiler = new ExpressionCompiler();
        compiler.AddCondition("true", Context, At("true"));
        compiler.Compile();

        Assert.Throws<InvalidOperationException>(() => compiler.Compile());
        Assert.Throws<InvalidOperationException>(() => compiler.AddCondition("true", Context, At("true")));
    }

    [Fact]
    public void Compile_ReturnsNothing_WhenNothingWasAdded()
    {
        Assert.Empty(new ExpressionCompiler().Compile());
    }
}
