using System.Linq.Dynamic.Core;
using System.Linq.Dynamic.Core.CustomTypeProviders;
using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;

namespace RulesEngine.Benchmarks;

/// <summary>One operation = the three realistic conditions of <see cref="Conditions"/> evaluated once each.</summary>
[MemoryDiagnoser]
public class EvalBenchmarks
{
    private ItemScope _scope = null!;
    private Func<ItemScope, bool>[] _hand = null!;
    private CompiledCondition[] _ours = null!;
    private Func<ItemScope, bool>[] _oursRaw = null!;
    private ScriptRunner<bool>[] _script = null!;
    private Func<ItemScope, bool>[] _dynamicExpresso = null!;
    private Func<ItemScope, bool>[] _linqDynamic = null!;
    private global::RulesEngine.RulesEngine _rulesEngine = null!;
    private global::RulesEngine.Models.RuleParameter[] _ruleParameters = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scope = Conditions.Scope();
        _hand = Conditions.HandWritten;
        _ours = Conditions.Compile(Conditions.Ours);
        _oursRaw = _ours.Select(Raw).ToArray();

        var options = ScriptOptions.Default
            .WithReferences(typeof(ItemScope).Assembly, typeof(Enumerable).Assembly)
            .WithImports("System", "System.Linq")
            .WithOptimizationLevel(Microsoft.CodeAnalysis.OptimizationLevel.Release);
        _script = Conditions.Script.Select(c => CSharpScript.Create<bool>(c, options, typeof(ItemScope)).CreateDelegate()).ToArray();

        var interpreter = new DynamicExpresso.Interpreter();
        _dynamicExpresso = Conditions.Peer.Select(c => interpreter.ParseAsDelegate<Func<ItemScope, bool>>(c, "s")).ToArray();

        var config = new ParsingConfig
        {
            CustomTypeProvider = new DefaultDynamicLinqCustomTypeProvider(ParsingConfig.Default, [typeof(ItemScope), typeof(SourceRow), typeof(StepResult)]),
        };
        var parameter = Expression.Parameter(typeof(ItemScope), "s");
        _linqDynamic = Conditions.Peer
            .Select(c => (Func<ItemScope, bool>)DynamicExpressionParser.ParseLambda(config, [parameter], typeof(bool), c).Compile())
            .ToArray();

        _rulesEngine = new global::RulesEngine.RulesEngine(
            [
                new global::RulesEngine.Models.Workflow
                {
                    WorkflowName = "bench",
                    Rules = Conditions.Peer.Select((c, i) => new global::RulesEngine.Models.Rule
                    {
                        RuleName = "r" + i, Expression = c, RuleExpressionType = global::RulesEngine.Models.RuleExpressionType.LambdaExpression,
                    }).ToList(),
                },
            ],
            new global::RulesEngine.Models.ReSettings { CustomTypes = [typeof(ItemScope), typeof(SourceRow), typeof(StepResult)] });
        _ruleParameters = [new global::RulesEngine.Models.RuleParameter("s", _scope)];

        // every engine must agree before its speed means anything
        var expected = _hand.Select(h => h(_scope)).ToArray();
        Check("ours", _ours.Select(c => c.Evaluate(_scope)), expected);
        Check("script", _script.Select(s => s(_scope).GetAwaiter().GetResult()), expected);
        Check("DynamicExpresso", _dynamicExpresso.Select(f => f(_scope)), expected);
        Check("Linq.Dynamic", _linqDynamic.Select(f => f(_scope)), expected);
        Check("RulesEngine", _rulesEngine.ExecuteAllRulesAsync("bench", _ruleParameters).GetAwaiter().GetResult().Select(r => r.IsSuccess), expected);
    }

    internal static Func<ItemScope, bool> Raw(CompiledCondition condition) =>
        (Func<ItemScope, bool>)typeof(CompiledCondition).GetField("_evaluate", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(condition)!;

    private static void Check(string engine, IEnumerable<bool> actual, bool[] expected)
    {
        if (!actual.SequenceEqual(expected)) throw new InvalidOperationException($"{engine} disagrees with the hand-written conditions");
    }

    [Benchmark(Baseline = true)]
    public int HandWritten()
    {
        var n = 0;
        foreach (var f in _hand) if (f(_scope)) n++;
        return n;
    }

    /// <summary>Through the public handle: try/catch and the null check included.</summary>
    [Benchmark]
    public int Ours_Evaluate()
    {
        var n = 0;
        foreach (var c in _ours) if (c.Evaluate(_scope)) n++;
        return n;
    }

    /// <summary>The generated delegates alone.</summary>
    [Benchmark]
    public int Ours_Delegate()
    {
        var n = 0;
        foreach (var f in _oursRaw) if (f(_scope)) n++;
        return n;
    }

    /// <summary>With the value of every part recorded (what runs record in their history).</summary>
    [Benchmark]
    public int Ours_Explain()
    {
        var n = 0;
        foreach (var c in _ours) if (c.Explain(_scope).Value) n++;
        return n;
    }

    [Benchmark]
    public int CSharpScript_PerExpression()
    {
        var n = 0;
        foreach (var s in _script) if (s(_scope).GetAwaiter().GetResult()) n++;
        return n;
    }

    [Benchmark]
    public int DynamicExpresso()
    {
        var n = 0;
        foreach (var f in _dynamicExpresso) if (f(_scope)) n++;
        return n;
    }

    [Benchmark]
    public int LinqDynamicCore()
    {
        var n = 0;
        foreach (var f in _linqDynamic) if (f(_scope)) n++;
        return n;
    }

    [Benchmark]
    public int MicrosoftRulesEngine()
    {
        var n = 0;
        foreach (var r in _rulesEngine.ExecuteAllRulesAsync("bench", _ruleParameters).GetAwaiter().GetResult()) if (r.IsSuccess) n++;
        return n;
    }
}

/// <summary>What the cooperative time budget costs per evaluation of a condition with a lambda.</summary>
[MemoryDiagnoser]
public class BudgetBenchmarks
{
    private ItemScope _scope = null!;
    private Func<ItemScope, bool> _withBudget = null!, _withoutBudget = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scope = Conditions.Scope();
        _withBudget = EvalBenchmarks.Raw(Conditions.Compile([Conditions.Loop], budget: true)[0]);
        _withoutBudget = EvalBenchmarks.Raw(Conditions.Compile([Conditions.Loop], budget: false)[0]);
        if (!_withBudget(_scope) || !_withoutBudget(_scope) || !Conditions.LoopHandWritten(_scope)) throw new InvalidOperationException("wrong result");
    }

    [Benchmark(Baseline = true)] public bool HandWritten() => Conditions.LoopHandWritten(_scope);
    [Benchmark] public bool Ours_WithoutBudget() => _withoutBudget(_scope);
    [Benchmark] public bool Ours_WithBudget() => _withBudget(_scope);
}
