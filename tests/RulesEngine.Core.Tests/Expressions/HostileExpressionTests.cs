using Newtonsoft.Json;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using Xunit.Abstractions;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

/// <summary>
/// The hostile-expression corpus (Hostile/hostile-expressions.json): each entry is a condition or template and
/// the outcome it must have: "loadError" (an error at its place when the flow loads), "rowError" (the evaluation
/// fails with an error naming the reason; the process and the other rows carry on) or "harmless" (it evaluates,
/// to true or to the given text). Add new cases to the file. Before the guards, the "rowError" stack cases ended
/// the test process (a stack overflow cannot be caught), and the depth cases failed with "Insufficient stack" and
/// no place.
/// </summary>
public sealed class HostileExpressionTests(ITestOutputHelper output)
{
    private sealed record Case(string Kind, string Code, string Expect, string Message);

    private static readonly IReadOnlyList<Case> Corpus = JsonConvert.DeserializeObject<List<Case>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Expressions", "Hostile", "hostile-expressions.json")))!;

    [Fact]
    public void Corpus_HasEveryOutcomeAndKind()
    {
        Assert.Contains(Corpus, c => c is { Expect: "loadError", Kind: "template" });
        Assert.Contains(Corpus, c => c is { Expect: "rowError", Kind: "template" });
        Assert.Contains(Corpus, c => c is { Expect: "harmless", Kind: "condition" });
        Assert.True(Corpus.Count(c => c.Expect == "rowError" && c.Message.Contains("nests too deeply", StringComparison.Ordinal)) >= 10);
    }

    [Fact]
    public void LoadErrors_AreReportedAtTheirPlace()
    {
        var cases = Corpus.Where(c => c.Expect == "loadError").ToList();
        var compiler = new ExpressionCompiler { Cache = null };
        for (var i = 0; i < cases.Count; i++) Add(compiler, cases[i], line: i + 1);

        var errors = compiler.Compile();

        for (var i = 0; i < cases.Count; i++)
        {
            var found = errors.Where(e => e.Line == i + 1).ToList();
            output.WriteLine($"{Shorten(cases[i].Code)} -> {string.Join(" | ", found.Select(e => $"({e.Line},{e.Column}) {e.Code} {e.Message}"))}");
            Assert.True(found.Count > 0, $"no error for {Shorten(cases[i].Code)}");
            Assert.Contains(found, e => e.File == FlowFile && e.Column >= Column && e.Message.Contains(cases[i].Message, StringComparison.Ordinal));
        }
    }

    // The cases that test the time budget run with a short one; the rest with one generous enough that, on a loaded
    // machine, the guard under test (stack, memory) fails them before time does.
    [Theory]
    [InlineData(true, 300)]
    [InlineData(false, 30_000)]
    public void RowErrorsAndHarmlessCases_EvaluateWithoutEndingTheProcess(bool timeCases, int budgetMs)
    {
        var cases = Corpus.Where(c => c.Expect != "loadError" && c.Message.Contains("time budget", StringComparison.Ordinal) == timeCases).ToList();
        var compiler = new ExpressionCompiler { Cache = null, TimeBudget = TimeSpan.FromMilliseconds(budgetMs) };
        var handles = cases.Select((c, i) => Add(compiler, c, line: i + 1)).ToList();
        Assert.Empty(compiler.Compile());
        var scope = Scope();
        // A thread with a known stack (the thread pool's is 1.5 MB on Linux, a main thread's whatever ulimit says), so
        // whether 100,000 nested sequences fit does not depend on the machine. The guards must hold on any stack.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                EvaluateAll(cases, handles, scope);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 1024 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    // Conditions twice: Evaluate, and Explain, which is what runs use (the explaining twin is compiled apart and
    // must carry the same guards).
    private void EvaluateAll(List<Case> cases, List<object> handles, ItemScope scope)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < cases.Count; i++)
            {
                if (pass == 1 && handles[i] is not CompiledCondition) continue;
                EvaluateOne(cases[i], handles[i], scope, line: i + 1, explain: pass == 1);
            }
        }
    }

    private void EvaluateOne(Case c, object handle, ItemScope scope, int line, bool explain)
    {
        {
            var (kind, code, expect, message) = c;
            if (explain) kind += " (explained)";
            var i = line - 1;
            string outcome;
            try
            {
                outcome = handle is CompiledCondition condition
                    ? (explain ? condition.Explain(scope).Value : condition.Evaluate(scope)) ? "true" : "false"
                    : ((CompiledTemplate)handle).Render(scope);
            }
            catch (ExpressionException e)
            {
                output.WriteLine($"{kind} {Shorten(code)} -> row error: {e.Message[^Math.Min(e.Message.Length, 140)..]}");
                Assert.True(expect == "rowError", $"{Shorten(code)} failed: {e.Message}");
                Assert.Contains(message, e.Message, StringComparison.Ordinal);
                Assert.Equal(i + 1, e.Location.Line); // the error names the place in the file
                return;
            }
            output.WriteLine($"{kind} {Shorten(code)} -> {Shorten(outcome)}");
            Assert.True(expect == "harmless", $"{Shorten(code)} was expected to fail but gave {Shorten(outcome)}");
            Assert.Equal(message, outcome);
        }
    }

    private static object Add(ExpressionCompiler compiler, Case c, int line)
    {
        var at = At(c.Code) with { Line = line };
        return c.Kind == "template"
            ? compiler.AddTemplate(c.Code, Context, at)
            : compiler.AddCondition(c.Code, Context, at);
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + $"... ({text.Length} chars)";
}
