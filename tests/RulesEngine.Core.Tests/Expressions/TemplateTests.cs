using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class TemplateTests
{
    [Theory]
    // constants and literal braces
    [InlineData("", "")]
    [InlineData("plain text", "plain text")]
    [InlineData("{{not a placeholder}}", "{not a placeholder}")]
    [InlineData("json: {{\"a\": 1}}", "json: {\"a\": 1}")]
    // fields, with spaces and without
    [InlineData("{Email}", "jane@acme.com")]
    [InlineData("Hello {First Name}!", "Hello Jane!")]
    [InlineData("{First Name} <{Email}> on {Plan}", "Jane <jane@acme.com> on pro")]
    [InlineData("{{{Plan}}}", "{pro}")]
    // expressions
    [InlineData("row {Row.Number}", "row 3")]
    [InlineData("{First_Name.ToUpperInvariant()}", "JANE")]
    [InlineData("{Row[\"Seats\"]} seats", "12 seats")]
    [InlineData("{int.Parse(Row[\"Seats\"]) * 2}", "24")]
    [InlineData("{1.5 + 1}", "2.5")]
    [InlineData("{Plan == \"pro\"}", "true")]
    [InlineData("{(string)null}|", "|")]
    [InlineData("{update.Result}|{update.Error}", "0|not found")]
    [InlineData("{lookup.Result}", "")]
    [InlineData("{Run.Link}", "https://runs/42")]
    // braces and quotes inside a placeholder's C#
    [InlineData("{\"}\" + Plan}", "}pro")]
    [InlineData("{'}'}{Plan}", "}pro")]
    [InlineData("{$\"{Plan}-{{x}}\"}", "pro-{x}")]
    [InlineData("{new[] { 1, 2 }.Sum()}", "3")]
    [InlineData("{string.Join(\",\", new[] { Plan, Email })}", "pro,jane@acme.com")]
    [InlineData("a{Plan}b{Plan}c{Plan}d{Plan}e", "aprobprocprodproe")]
    public void Render_ReturnsExpectedText(string text, string expected)
    {
        Assert.Equal(expected, Template(text).Render(Scope(update: new StepResult(true, 0, "not found"))));
    }

    [Fact]
    public void Render_UsesInvariantCulture_ForNumbersAndDates()
    {
        var previous = Thread.CurrentThread.CurrentCulture;
        Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            Assert.Equal("1.5 2025-01-02", Template("{1.5} {Run.StartedAt.ToString(\"yyyy-MM-dd\")}").Render(Scope()));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Render_ThrowsExpressionException_WhenPlaceholderThrows()
    {
        var template = Template("{int.Parse(Plan)}");

        var error = Assert.Throws<ExpressionException>(() => template.Render(Scope()));

        Assert.Contains("FormatException", error.Message);
        Assert.Contains($"{Path.GetFileName(template.Location.File)}({template.Location.Line},{template.Location.Column})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hello {Name", "{", "never closed")]
    [InlineData("Hello }", "}", "closes no placeholder")]
    [InlineData("a } b {Plan}", "}", "closes no placeholder")]
    [InlineData("x {} y", "{", "empty")]
    [InlineData("say \"hi\" {\"unterminated}", "{", "never closed")]
    public void Compile_ReportsBraceColumn_WhenTemplateBracesAreUnbalanced(string text, string at, string message)
    {
        var error = Assert.Single(TemplateErrors(text));

        Assert.Equal("RE0104", error.Code);
        Assert.Equal(ColumnOf(text, at), error.Column);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Compile_ReportsColumnInsidePlaceholder_ForTypoInTemplate()
    {
        const string text = "Dear {First_Name.ToUpperr()}";

        var error = Assert.Single(TemplateErrors(text));

        Assert.Equal("CS1061", error.Code);
        Assert.Equal(ColumnOf(text, "ToUpperr"), error.Column);
    }

    [Fact]
    public void Compile_RejectsInjection_ThroughPlaceholder()
    {
        var error = Assert.Single(TemplateErrors("{Plan), System.IO.File.ReadAllText(\"/etc/passwd\"}"));

        Assert.Equal("RE0101", error.Code);
    }

    [Fact]
    public void Render_EscapesPlaceholderValuesOnly_WhenGivenAnEscape()
    {
        var scope = Scope(update: new StepResult(true, 0, "a<b"));
        static string Escape(string value) => "[" + value.ToUpperInvariant() + "]";

        Assert.Equal("Hi [JANE] <[JANE@ACME.COM]> [3] [A<B]", Template("Hi {First Name} <{Email}> {Plan.Length} {update.Error}").Render(scope, Escape));
        Assert.Equal("Hi [JANE]", Template("Hi {First Name}").Render(scope, Escape));
        Assert.Equal("[JANE]", Template("{First Name}").Render(scope, Escape));
        Assert.Equal("no placeholders <b>", Template("no placeholders <b>").Render(scope, Escape));
        Assert.Equal("Hi Jane", Template("Hi {First Name}").Render(scope, null));
    }
}
