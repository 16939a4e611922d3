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
    private CompiledCondition[] _oursFixed = null!;
    private Func<ItemScope, bool>[] _oursFixedRaw = null!;
    private ScriptRunner<bool>[] _script = null!;
    private Func<ItemScope, bool>[] _dynamicExpresso = null!;
    private Func<ItemScope, bool>[] _linqDynamic = null!;
    private global::RulesEngine.RulesEngine _rulesEngine = null!;
    private global::RulesEngine.RulesEngine _rulesEngineOneRule = null!;
    private global::RulesEngine.Models.RuleParameter[] _ruleParameters = null!;

    [GlobalSetup]
    public void Setup()
    {
        _scope = Conditions.Scope();
        _hand = Conditions.HandWritten;
        _ours = Conditions.Compile(Conditions.Ours);
        _oursRaw = _ours.Select(Raw).ToArray();
        _oursFixed = Conditions.Compile(Conditions.Ours, collectible: false);
        _oursFixedRaw = _oursFixed.Select(Raw).ToArray();

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

        var settings = new global::RulesEngine.Models.ReSettings { CustomTypes = [typeof(ItemScope), typeof(SourceRow), typeof(StepResult)] };
        _rulesEngine = new global::RulesEngine.RulesEngine(
            [new global::RulesEngine.Models.Workflow { WorkflowName = "bench", Rules = Conditions.Peer.Select(Rule).ToList() }], settings);
        // one workflow per condition, one rule each: how the research measured it (one rule per call)
        _rulesEngineOneRule = new global::RulesEngine.RulesEngine(
            Conditions.Peer.Select((c, i) => new global::RulesEngine.Models.Workflow { WorkflowName = "one" + i, Rules = [Rule(c, i)] }).ToArray(),
            settings);
        _ruleParameters = [new global::RulesEngine.Models.RuleParameter("s", _scope)];

        // every engine must agree before its speed means anything
        var expected = _hand.Select(h => h(_scope)).ToArray();
        Check("ours", _ours.Select(c => c.Evaluate(_scope)), expected);
        Check("ours, non-collectible", _oursFixed.Select(c => c.Evaluate(_scope)), expected);
        Check("script", _script.Select(s => s(_scope).GetAwaiter().GetResult()), expected);
        Check("DynamicExpresso", _dynamicExpresso.Select(f => f(_scope)), expected);
        Check("Linq.Dynamic", _linqDynamic.Select(f => f(_scope)), expected);
        Check("RulesEngine", _rulesEngine.ExecuteAllRulesAsync("bench", _ruleParameters).GetAwaiter().GetResult().Select(r => r.IsSuccess), expected);
        Check("RulesEngine, one rule per call", expected.Select((_, i) =>
            _rulesEngineOneRule.ExecuteAllRulesAsync("one" + i, _ruleParameters).GetAwaiter().GetResult().Single().IsSuccess), expected);
    }

    private static global::RulesEngine.Models.Rule Rule(string expression, int index) => new()
    {
        RuleName = "r" + index, Expression = expression, RuleExpressionType = global::RulesEngine.Models.RuleExpressionType.LambdaExpression,
    };

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

    /// <summary>The generated delegates alone, loaded non-collectibly (what the one-shot CLI verbs do).</summary>
    [Benchmark]
    public int Ours_Delegate_NonCollectible()
    {
        var n = 0;
        foreach (var f in _oursFixedRaw) if (f(_scope)) n++;
        return n;
    }

    /// <summary>Through the public handle, loaded non-collectibly.</summary>
    [Benchmark]
    public int Ours_Evaluate_NonCollectible()
    {
        var n = 0;
        foreach (var c in _oursFixed) if (c.Evaluate(_scope)) n++;
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

    /// <summary>The three conditions as three rules of one workflow, one call.</summary>
    [Benchmark]
    public int MicrosoftRulesEngine()
    {
        var n = 0;
        foreach (var r in _rulesEngine.ExecuteAllRulesAsync("bench", _ruleParameters).GetAwaiter().GetResult()) if (r.IsSuccess) n++;
        return n;
    }

    /// <summary>The three conditions as three one-rule workflows, one call each (as the research measured: a call
    /// per rule), so the per-call overhead is paid three times.</summary>
    [Benchmark]
    public int MicrosoftRulesEngine_OneRulePerCall()
    {
        var n = 0;
        if (_rulesEngineOneRule.ExecuteAllRulesAsync("one0", _ruleParameters).GetAwaiter().GetResult()[0].IsSuccess) n++;
        if (_rulesEngineOneRule.ExecuteAllRulesAsync("one1", _ruleParameters).GetAwaiter().GetResult()[0].IsSuccess) n++;
        if (_rulesEngineOneRule.ExecuteAllRulesAsync("one2", _ruleParameters).GetAwaiter().GetResult()[0].IsSuccess) n++;
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
