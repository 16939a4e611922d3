using RulesEngine.Core.Expressions;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class DiagnosticTests
{
    [Theory]
    [InlineData("Email.EndWith(\"@acme.com\")", "EndWith", "CS1061")]
    [InlineData("update.Result == \"0\"", "update.Result == \"0\"", "CS0019")]
    [InlineData("Row.Number", "Row.Number", "CS0029")]
    [InlineData("Email.Length > 3 &&", "", "CS1733")]
    [InlineData("Plan == \"pro\" && Emial == \"x\"", "Emial", "CS0103")]
    public void Compile_ReportsJsonColumn_ForTypoInCondition(string code, string at, string expectedCode)
    {
        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal((FlowFile, Line, ColumnOf(code, at), expectedCode), (error.File, error.Line, error.Column, error.Code));
    }

    [Theory]
    [InlineData("Row.Fields.Values.Any(v => v == Emial)", "Emial")] // the error is in a method the time budget rewrites
    [InlineData("Plan == \"pro\" && Emial == \"x\"", "Emial")] // ... or after one
    public void Compile_ReportsJsonColumn_WhenAnotherExpressionHasALambda(string code, string at)
    {
        var compiler = new ExpressionCompiler { Cache = null };
        compiler.AddCondition("Row.Fields.Values.Any(v => v == \"pro\")", Context, At("x"));
        compiler.AddCondition(code, Context, At(code));

        var error = Assert.Single(compiler.Compile());

        Assert.Equal((FlowFile, Line, ColumnOf(code, at), "CS0103"), (error.File, error.Line, error.Column, error.Code));
    }

    [Theory]
    // raw JSON token as written in the file; the error is at "Emial"
    [InlineData("\"Plan == \\\"pro\\\" && Emial == \\\"x\\\"\"")]
    [InlineData("\"First_Name == \\\"Ren\\u00e9e\\\" || Emial == \\\"\\\"\"")]
    [InlineData("\"First_Name == \\\"\\\\\\\\\\\" || Emial == \\\"\\t\\\"\"")]
    [InlineData("\"Plan == \\\"\u00e9\\\" || Emial == \\\"\\\"\"")]
    public void Compile_ReportsJsonColumn_ThroughEscapesBeforeTheError(string rawToken)
    {
        var (code, location) = FromRaw(rawToken);
        var compiler = new ExpressionCompiler();
        compiler.AddCondition(code, Context, location);

        var error = Assert.Single(compiler.Compile());

        Assert.Equal("CS0103", error.Code);
        Assert.Equal(Column + rawToken.IndexOf("Emial", StringComparison.Ordinal), error.Column);
    }

    [Fact]
    public void Compile_ReportsJsonColumn_ForPlaceholderAfterEscapes()
    {
        var (text, location) = FromRaw("\"Ren\\u00e9e \\\"{First_Name}\\\" {Plna}\"");
        var compiler = new ExpressionCompiler();
        compiler.AddTemplate(text, Context, location);

        var error = Assert.Single(compiler.Compile());

        Assert.Equal(Column + location.RawToken!.IndexOf("Plna", StringComparison.Ordinal), error.Column);
        Assert.Contains("did you mean 'Plan'", error.Message);
    }

    [Theory]
    [InlineData("Emial.EndsWith(\"x\")", "Email")]
    [InlineData("email == \"x\"", "Email")]
    [InlineData("First_Nmae == \"x\"", "First_Name")]
    [InlineData("updte.Failed", "update")]
    [InlineData("Rwo.Number > 1", "Row")]
    public void Compile_SuggestsNearestName_ForUnknownName(string code, string suggestion)
    {
        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal("CS0103", error.Code);
        Assert.Contains($"did you mean '{suggestion}'", error.Message);
    }

    [Fact]
    public void Compile_SuggestsNothing_WhenNoNameIsClose()
    {
        var error = Assert.Single(ConditionErrors("Zebrafish == \"x\""));

        Assert.DoesNotContain("did you mean", error.Message);
    }

    [Theory]
    [InlineData("create.Failed")]
    [InlineData("update.Failed && create.Result == 1")]
    [InlineData("Row.Fields.Keys.Any(k => k == create.Error)")]
    public void Compile_ReportsLaterStep_WhenConditionNamesStepThatRunsAfterIt(string code)
    {
        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal("RE0103", error.Code);
        Assert.Equal("step 'create' runs after this expression; only earlier steps can be used here", error.Message);
        Assert.Equal(ColumnOf(code, "create"), error.Column);
    }

    [Fact]
    public void Compile_ReportsLaterStep_WhenTemplateNamesStepThatRunsAfterIt()
    {
        const string text = "{Plan}: {create.Error}";

        var error = Assert.Single(TemplateErrors(text));

        Assert.Equal(("RE0103", ColumnOf(text, "create")), (error.Code, error.Column));
    }

    [Theory]
    [InlineData("true); } static void X() { (", "); }")]
    [InlineData("true; false", "; false")]
    [InlineData("true\n#pragma warning disable\n", "#pragma")]
    [InlineData("true) || (false", ") || (")]
    [InlineData("Email == \"\" } public static bool Y(object o) { return true", "}")]
    public void Compile_RejectsInjection_WhenConditionIsNotOneExpression(string code, string at)
    {
        var error = Assert.Single(ConditionErrors(code));

        Assert.Equal("RE0101", error.Code);
        Assert.Equal(ColumnOf(code, at), error.Column);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Compile_ReportsEmptyCondition(string code)
    {
        Assert.Equal("RE0101", Assert.Single(ConditionErrors(code)).Code);
    }

    [Fact]
    public void Compile_ReportsEveryProblem_InFileOrder()
    {
        var compiler = new ExpressionCompiler();
        compiler.AddCondition("Emial == \"x\"", Context, At("Emial == \"x\"") with { Line = 3 });
        compiler.AddCondition("Plan == \"x\"", Context, At("Plan == \"x\"") with { Line = 4 });
        compiler.AddTemplate("{Plna}", Context, At("{Plna}") with { Line = 5 });
        compiler.AddCondition("true; false", Context, At("true; false") with { Line = 6 });

        var errors = compiler.Compile();

        Assert.Equal([3, 5, 6], errors.Select(e => e.Line));
        Assert.Equal("flow.json(3,21): error CS0103: The name 'Emial' does not exist in the current context; did you mean 'Email' (field \"Email\")?", errors[0].ToString());
    }

    [Fact]
    public void Compile_BindsNothing_WhenAnyExpressionHasAnError()
    {
        var compiler = new ExpressionCompiler();
        var valid = compiler.AddCondition("Plan == \"pro\"", Context, At("Plan == \"pro\""));
        compiler.AddCondition("Emial == \"x\"", Context, At("Emial == \"x\""));

        Assert.NotEmpty(compiler.Compile());

        Assert.Throws<InvalidOperationException>(() => valid.Evaluate(Scope()));
    }
}

public sealed class CSharpKeywordsTests
{
    [Fact]
    public void IsReserved_AgreesWithRoslyn_ForEveryKeyword()
    {
        var roslyn = Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKinds()
            .Where(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsReservedKeyword)
            .Select(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetText)
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(roslyn, k => Assert.True(RulesEngine.Core.Expressions.CSharpKeywords.IsReserved(k), k));
        Assert.False(RulesEngine.Core.Expressions.CSharpKeywords.IsReserved("var"));
        Assert.False(RulesEngine.Core.Expressions.CSharpKeywords.IsReserved("update"));
    }
}
