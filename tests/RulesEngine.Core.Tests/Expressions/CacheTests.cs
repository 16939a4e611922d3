using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class CacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rulesengine-cache-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private (ExpressionCompiler Compiler, CompiledCondition Condition, CompiledTemplate Code, CompiledTemplate Fields) Set(
        TimeSpan? budget = null, ExpressionContext? context = null, string condition = "update.Result == 0 && Plan == \"pro\"", bool collectible = true)
    {
        var compiler = new ExpressionCompiler { Cache = new ExpressionCache(_directory), TimeBudget = budget ?? TimeSpan.FromSeconds(1), Collectible = collectible };
        return (compiler,
            compiler.AddCondition(condition, context ?? Context, At("c")),
            compiler.AddTemplate("{First Name} has {Row.Fields.Count(f => f.Value != \"\")} fields", context ?? Context, At("t")),
            compiler.AddTemplate("{First Name} <{Email}>", context ?? Context, At("f")));
    }

    [Fact]
    public void Compile_LoadsFromCache_WhenTheSameSetCompiledBefore()
    {
        var first = Set();
        Assert.Empty(first.Compiler.Compile());
        var second = Set();

        Assert.Empty(second.Compiler.Compile());

        Assert.False(first.Compiler.Compiled!.FromCache);
        Assert.True(second.Compiler.Compiled!.FromCache);
        Assert.Equal(first.Compiler.Compiled.CacheKey, second.Compiler.Compiled.CacheKey);
        var scope = Scope(update: new StepResult(true, 0, ""));
        Assert.True(second.Condition.Evaluate(scope));
        Assert.Equal("update.Result == 0 = true; update.Result = 0; Plan == \"pro\" = true; Plan = \"pro\"", second.Condition.Explain(scope).ToString());
        Assert.Equal("Jane has 6 fields", second.Code.Render(scope));
        Assert.Equal("Jane <jane@acme.com>", second.Fields.Render(scope));
        // the set, and its explaining twins (compiled by the first Explain)
        Assert.Equal(
            [second.Compiler.Compiled.CacheKey + "-explain.rexc", second.Compiler.Compiled.CacheKey + ".rexc"],
            Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compile_MissesTheCache_WhenBudgetNamesOrTextChange()
    {
        Assert.Empty(Set().Compiler.Compile());

        var budget = Set(budget: TimeSpan.FromSeconds(2)).Compiler;
        var names = Set(context: Context with { EarlierSteps = ["update", "lookup", "other"] }).Compiler;
        var text = Set(condition: "update.Result == 0 && Plan == \"team\"").Compiler;

        Assert.All(new[] { budget, names, text }, c => Assert.Empty(c.Compile()));
        Assert.All(new[] { budget, names, text }, c => Assert.False(c.Compiled!.FromCache));
        Assert.Equal(4, Directory.GetFiles(_directory).Length);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("flip")]
    [InlineData("garbage")]
    public void Compile_IgnoresAndRewrites_ADamagedCacheFile(string damage)
    {
        Assert.Empty(Set().Compiler.Compile());
        var file = Assert.Single(Directory.GetFiles(_directory));
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, damage switch
        {
            "truncate" => bytes[..(bytes.Length / 2)],
            "flip" => bytes.Select((b, i) => i == bytes.Length / 2 ? (byte)~b : b).ToArray(),
            _ => "not a cache file"u8.ToArray(),
        });

        var again = Set();
        Assert.Empty(again.Compiler.Compile());
        var third = Set();
        Assert.Empty(third.Compiler.Compile());

        Assert.False(again.Compiler.Compiled!.FromCache);
        Assert.True(third.Compiler.Compiled!.FromCache);
        Assert.True(third.Condition.Evaluate(Scope(update: new StepResult(true, 0, ""))));
    }

    [Fact]
    public void Compile_WritesNothing_WhenTheSetHasErrors()
    {
        var compiler = new ExpressionCompiler { Cache = new ExpressionCache(_directory) };
        compiler.AddCondition("Plan == \"pro\"", Context, At("a"));
        compiler.AddCondition("System.IO.File.Exists(\"/x\")", Context, At("b"));

        Assert.NotEmpty(compiler.Compile());

        Assert.Null(compiler.Compiled);
        Assert.False(Directory.Exists(_directory) && Directory.EnumerateFiles(_directory).Any());
    }

    [Fact]
    public void FromEnvironment_ReadsTheVariable_AndOffDisablesTheCache()
    {
        var before = Environment.GetEnvironmentVariable(ExpressionCache.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(ExpressionCache.EnvironmentVariable, _directory);
            Assert.Equal(Path.GetFullPath(_directory), ExpressionCache.FromEnvironment()!.Directory);
            Environment.SetEnvironmentVariable(ExpressionCache.EnvironmentVariable, "off");
            Assert.Null(ExpressionCache.FromEnvironment());
            Environment.SetEnvironmentVariable(ExpressionCache.EnvironmentVariable, null);
            Assert.EndsWith("rulesengine", ExpressionCache.FromEnvironment()!.Directory, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ExpressionCache.EnvironmentVariable, before);
        }
    }

    [Fact]
    public void Unload_UnbindsHandles_AndFreesTheAssembly()
    {
        var (compiler, condition, template, fields) = Set();
        var (context, twins) = CompileAndUse(compiler, condition);

        compiler.Unload();

        Assert.False(compiler.Compiled!.IsLoaded);
        Assert.Contains("unloaded", Assert.Throws<InvalidOperationException>(() => condition.Evaluate(Scope())).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => template.Render(Scope()));
        Assert.Throws<InvalidOperationException>(() => fields.Render(Scope()));
        for (var i = 0; i < 20 && (context.IsAlive || twins.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(context.IsAlive, "the collectible load context is still alive after Unload");
        Assert.False(twins.IsAlive, "the explaining twins' load context is still alive after Unload");
        compiler.Unload(); // idempotent
    }

    [Fact]
    public void NonCollectible_Evaluates_AndUnloadOnlyUnbinds()
    {
        // compiled by Roslyn, then the same set from the disk cache: both bind non-collectibly, twins included
        foreach (var fromCache in new[] { false, true })
        {
            var (compiler, condition, template, fields) = Set(collectible: false);
            Assert.Empty(compiler.Compile());
            var compiled = compiler.Compiled!;
            Assert.Equal(fromCache, compiled.FromCache);
            Assert.False(compiled.IsCollectible);
            var scope = Scope(update: new StepResult(true, 0, ""));
            Assert.True(condition.Evaluate(scope));
            Assert.False(condition.Evaluate(Scope(update: new StepResult(true, 1, ""))));
            Assert.Equal("update.Result == 0 = true; update.Result = 0; Plan == \"pro\" = true; Plan = \"pro\"", condition.Explain(scope).ToString());
            Assert.Equal("Jane has 6 fields", template.Render(scope));
            Assert.Equal("Jane <jane@acme.com>", fields.Render(scope));
            Assert.False(((AssemblyLoadContext)compiled.ContextReference!.Target!).IsCollectible);
            Assert.False(((AssemblyLoadContext)compiled.TwinContextReference!.Target!).IsCollectible);

            compiler.Unload(); // must not throw: a non-collectible context cannot unload, so it only unbinds

            Assert.False(compiled.IsLoaded);
            Assert.Throws<InvalidOperationException>(() => condition.Evaluate(scope));
            Assert.Throws<InvalidOperationException>(() => template.Render(scope));
            compiler.Unload(); // idempotent
            compiled.Dispose();
        }
    }

    [Fact]
    public void Collectible_IsTheDefault()
    {
        var (compiler, _, _, _) = Set();
        Assert.True(compiler.Collectible);
        Assert.Empty(compiler.Compile());
        Assert.True(compiler.Compiled!.IsCollectible);
        Assert.True(((AssemblyLoadContext)compiler.Compiled.ContextReference!.Target!).IsCollectible);
        compiler.Unload();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Set, WeakReference Twins) CompileAndUse(ExpressionCompiler compiler, CompiledCondition condition)
    {
        Assert.Empty(compiler.Compile());
        Assert.True(condition.Evaluate(Scope(update: new StepResult(true, 0, ""))));
        Assert.True(condition.Explain(Scope(update: new StepResult(true, 0, ""))).Value);
        return (compiler.Compiled!.ContextReference!, compiler.Compiled.TwinContextReference!);
    }

    [Fact]
    public void Compile_LeavesTheTwinsOut_UntilTheFirstExplain_ThenCachesThem()
    {
        var first = Set();
        Assert.Empty(first.Compiler.Compile());
        var scope = Scope(update: new StepResult(true, 0, ""));
        Assert.True(first.Condition.Evaluate(scope));
        Assert.False(first.Compiler.Compiled!.TwinsLoaded);
        Assert.Single(Directory.GetFiles(_directory));

        var explained = first.Condition.Explain(scope).ToString();

        Assert.True(first.Compiler.Compiled.TwinsLoaded);
        Assert.Equal(2, Directory.GetFiles(_directory).Length);
        var second = Set();
        Assert.Empty(second.Compiler.Compile());
        Assert.True(second.Compiler.Compiled!.FromCache);
        Assert.Equal(explained, second.Condition.Explain(scope).ToString());
    }

    [Fact]
    public void Explain_RecompilesTheTwins_WhenTheirCacheFileIsDamaged()
    {
        var first = Set();
        Assert.Empty(first.Compiler.Compile());
        var scope = Scope(update: new StepResult(true, 0, ""));
        var explained = first.Condition.Explain(scope).ToString();
        var twins = Path.Combine(_directory, first.Compiler.Compiled!.CacheKey + "-explain.rexc");
        var bytes = File.ReadAllBytes(twins);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(twins, bytes);

        var second = Set();
        Assert.Empty(second.Compiler.Compile());

        Assert.Equal(explained, second.Condition.Explain(scope).ToString());
        Assert.NotEqual(bytes, File.ReadAllBytes(twins));
    }

    /// <summary>
    /// The engine is loaded a second time into a context of its own, which records every assembly it needs: on a
    /// cache hit Microsoft.CodeAnalysis must not be among them (this process already has Roslyn loaded, so the
    /// check has to happen in a context that starts empty).
    /// </summary>
    [Fact]
    public void Compile_DoesNotLoadRoslyn_OnACacheHit()
    {
        const string code = "update.Result == 0 && Email.EndsWith(\"@acme.com\")";
        var warm = new ExpressionCompiler { Cache = new ExpressionCache(_directory) };
        warm.AddCondition(code, Context, At(code));
        warm.AddTemplate("{First Name}: {Plan.ToUpperInvariant()}", Context, At("t"));
        Assert.Empty(warm.Compile());

        var isolated = new RecordingContext(Path.GetDirectoryName(typeof(ExpressionCompiler).Assembly.Location)!);
        try
        {
            var (fromCache, holds, text) = RunIsolated(isolated, code);

            Assert.True(fromCache);
            Assert.True(holds);
            Assert.Equal("Jane: PRO", text);
            Assert.Contains(isolated.Assemblies, a => a.GetName().Name == "RulesEngine.Core");
            Assert.DoesNotContain(isolated.Assemblies, a => a.GetName().Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
        }
        finally
        {
            isolated.Unload();
        }
    }

    private (bool FromCache, bool Holds, string Text) RunIsolated(AssemblyLoadContext isolated, string code)
    {
        var core = isolated.LoadFromAssemblyPath(typeof(ExpressionCompiler).Assembly.Location);
        Type T(string name) => core.GetType(name, throwOnError: true)!;
        object New(string name, params object?[] args) => Activator.CreateInstance(T(name), args)!;
        object? Call(object target, string method, params object?[] args) => target.GetType().GetMethod(method, [.. args.Select(a => a!.GetType())])!.Invoke(target, args);

        var compiler = New("RulesEngine.Core.Expressions.ExpressionCompiler");
        T("RulesEngine.Core.Expressions.ExpressionCompiler").GetProperty("Cache")!.SetValue(compiler, New("RulesEngine.Core.Expressions.ExpressionCache", _directory));
        var context = New("RulesEngine.Core.Expressions.ExpressionContext", Context.Fields, Context.EarlierSteps, Context.LaterSteps);
        var condition = Call(compiler, "AddCondition", code, context, New("RulesEngine.Core.Flows.SourceLocation", At(code).File, At(code).Line, At(code).Column, At(code).RawToken))!;
        var template = Call(compiler, "AddTemplate", "{First Name}: {Plan.ToUpperInvariant()}", context, New("RulesEngine.Core.Flows.SourceLocation", "flow.json", 1, 1, null))!;
        Assert.Empty((IEnumerable)Call(compiler, "Compile")!);
        var compiled = T("RulesEngine.Core.Expressions.ExpressionCompiler").GetProperty("Compiled")!.GetValue(compiler)!;

        var fields = new Dictionary<string, string> { ["Email"] = "jane@acme.com", ["First Name"] = "Jane", ["Plan"] = "pro" };
        var scope = New("RulesEngine.Sdk.ItemScope",
            New("RulesEngine.Sdk.SourceRow", 3, fields),
            New("RulesEngine.Sdk.RunInfo", "f", "r", DateTimeOffset.UnixEpoch, "l"));
        scope.GetType().GetMethod("SetStep")!.Invoke(scope, ["update", New("RulesEngine.Sdk.StepResult", true, 0, "", null)]);
        var holds = (bool)condition.GetType().GetMethod("Evaluate")!.Invoke(condition, [scope])!;
        var text = (string)template.GetType().GetMethod("Render", [scope.GetType()])!.Invoke(template, [scope])!;
        return ((bool)compiled.GetType().GetProperty("FromCache")!.GetValue(compiled)!, holds, text);
    }

    /// <summary>Loads the engine and its packages from the test's folder into itself (framework assemblies come
    /// from the default context), so <see cref="AssemblyLoadContext.Assemblies"/> lists what the engine needed.</summary>
    private sealed class RecordingContext(string folder) : AssemblyLoadContext("isolated engine", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
