using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class ExplainTests
{
    private static readonly ExpressionContext WithCreate = new(
        Fields: ["Email", "Plan"], EarlierSteps: ["update", "create", "lookup"], LaterSteps: []);

    private static ItemScope Failed()
    {
        var scope = Scope(update: new StepResult(true, 0, "not found"));
        scope.SetStep("create", new StepResult(true, 0, "409: email taken"));
        return scope;
    }

    [Fact]
    public void Explain_GivesEveryOperand_OfAndAndComparison()
    {
        var condition = Condition("update.Result == 0 && !string.IsNullOrEmpty(create.Error)", WithCreate);

        var explained = condition.Explain(Failed());

        Assert.True(explained.Value);
        Assert.Equal(
            [
                ("update.Result == 0", "true"),
                ("update.Result", "0"),
                ("!string.IsNullOrEmpty(create.Error)", "true"),
                ("string.IsNullOrEmpty(create.Error)", "false"),
                ("create.Error", "\"409: email taken\""),
            ],
            explained.Parts.Select(p => (p.Text, p.Display)));
        Assert.Equal("update.Result == 0 = true; update.Result = 0; !string.IsNullOrEmpty(create.Error) = true; " +
            "string.IsNullOrEmpty(create.Error) = false; create.Error = \"409: email taken\"", explained.ToString());
    }

    [Fact]
    public void Explain_SaysNotEvaluated_WhenShortCircuitSkippedAPart()
    {
        var condition = Condition("update.Result == 1 && Email.EndsWith(\"@acme.com\")");

        var explained = condition.Explain(Scope(update: new StepResult(true, 0, "")));

        Assert.False(explained.Value);
        var email = Assert.Single(explained.Parts, p => p.Text == "Email");
        Assert.False(email.Evaluated);
        Assert.Equal("(not evaluated)", email.Display);
        Assert.Equal("false", explained.Parts[0].Display);
    }

    [Theory]
    [InlineData("int.TryParse(Row[\"Seats\"], out var n) && n > 10", true, "n = 12")]
    [InlineData("lookup is { Result: 1 } || Plan is \"pro\"", true, "Plan = \"pro\"")]
    [InlineData("Row.Fields.Values.Any(v => v == \"pro\") || update.Failed", true, "Row.Fields.Values = [6 items]")]
    [InlineData("Row.AsNumber(\"Seats\") >= 12 && Plan.In(\"pro\", \"team\")", true, "Row.AsNumber(\"Seats\") = 12")]
    [InlineData("(update.Error ?? \"\").Length > 3", true, "(update.Error ?? \"\").Length = 9")]
    [InlineData("Run.StartedAt.Year == 2025 && Row.Number < 5", true, "Row.Number = 3")]
    [InlineData("Email.Split('@')[1] == \"acme.com\"", true, "Email.Split('@')[1] = \"acme.com\"")]
    [InlineData("lookup[\"contactId\"] != \"\" ? true : false", false, "")]
    public void Explain_AgreesWithEvaluate_AndShowsParts(string code, bool expected, string part)
    {
        var condition = Condition(code);
        var scope = Scope(update: new StepResult(true, 0, "not found"), lookup: new StepResult(true, 0, ""));

        var explained = condition.Explain(scope);

        Assert.Equal(expected, condition.Evaluate(scope));
        Assert.Equal(expected, explained.Value);
        if (part.Length > 0)
        {
            Assert.True(condition.HasTwin);
            Assert.Contains(part, explained.Parts.Select(p => p.ToString()));
        }
    }

    [Fact]
    public void Explain_ReportsTheValueAlone_WhenConditionHasNoParts()
    {
        var explained = Condition("update.Failed").Explain(Scope(update: new StepResult(true, 0, "x")));

        Assert.True(explained.Value);
        Assert.Empty(explained.Parts);
        Assert.Equal("update.Failed = true", explained.ToString());
    }

    [Fact]
    public void Explain_FailsLikeEvaluate_WhenConditionThrowsOrRunsAway()
    {
        var throws = Condition("int.Parse(Plan) > 0 && Email != \"\"");
        var runaway = Condition("Plan != \"\" && Enumerable.Range(0, int.MaxValue).Any(i => i < 0)", budget: TimeSpan.FromMilliseconds(100));

        Assert.Contains("FormatException", Assert.Throws<ExpressionException>(() => throws.Explain(Scope())).Message);
        Assert.Contains("time budget of 100 ms", Assert.Throws<ExpressionException>(() => runaway.Explain(Scope())).Message);
    }

    [Fact]
    public void Explain_QuotesAndShortensText()
    {
        Assert.Equal("\"a\\\"b\\nc\"", ExpressionPart.Format("a\"b\nc"));
        Assert.StartsWith("\"xxxxx", ExpressionPart.Format(new string('x', 100)));
        Assert.EndsWith("... (100 chars)", ExpressionPart.Format(new string('x', 100)));
        Assert.Equal("1.5", ExpressionPart.Format(1.5m));
        Assert.Equal("null", ExpressionPart.Format(null));
    }
}
