using System.Diagnostics;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using Xunit.Abstractions;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

[Trait("Category", "Slow")] // a scale run: thousands of expressions compiled (CONTRIBUTING.md)
public sealed class CompileScaleTests(ITestOutputHelper output)
{
    [Fact]
    public void Compile_BindsAll_When200ExpressionsShareOneCompilation()
    {
        var compiler = new ExpressionCompiler();
        var conditions = new List<(CompiledCondition Condition, bool Expected)>();
        var templates = new List<(CompiledTemplate Template, string Expected)>();
        for (var i = 0; i < 100; i++)
        {
            var code = $"Email.EndsWith(\"@acme{i % 3}.com\") || update.Result == {i % 2} && Row.Fields.Values.Any(v => v.Length > {i})";
            conditions.Add((compiler.AddCondition(code, Context, At(code)), i % 2 == 0 && i < 13));
            var text = $"#{i} {{First Name}} {{Row.Number + {i}}}";
            templates.Add((compiler.AddTemplate(text, Context, At(text)), $"#{i} Jane {3 + i}"));
        }
        var clock = Stopwatch.StartNew();

        var errors = compiler.Compile();

        output.WriteLine($"200 expressions compiled in {clock.ElapsedMilliseconds} ms");
        Assert.Empty(errors);
        var scope = Scope(update: new StepResult(true, 0, "not found"));
        Assert.All(conditions, c => Assert.Equal(c.Expected, c.Condition.Evaluate(scope)));
        Assert.All(templates, t => Assert.Equal(t.Expected, t.Template.Render(scope)));
    }

    [Fact]
    public void Compile_SkipsRoslyn_WhenTemplatesOnlyReadFields()
    {
        var compiler = new ExpressionCompiler();
        var template = compiler.AddTemplate("{First Name} <{Email}>", Context, At("x"));
        var clock = Stopwatch.StartNew();

        Assert.Empty(compiler.Compile());

        output.WriteLine($"field-only template bound in {clock.Elapsed.TotalMilliseconds:F2} ms");
        Assert.Equal("Jane <jane@acme.com>", template.Render(Scope()));
    }
}
