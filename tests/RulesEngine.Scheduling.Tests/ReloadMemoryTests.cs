using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using RulesEngine.Core.Scheduling;
using RulesEngine.Scheduling.Tests.Support;
using Xunit.Abstractions;

namespace RulesEngine.Scheduling.Tests;

/// <summary>Replaced compiled code is unloaded: memory stays flat over many reloads of an edited flow file.
/// RULESENGINE_RELOADS sets the count (the report quotes 1,000; the suite runs fewer to stay fast).
/// <para>It used to count every expression load context in the process after three forced GCs, and failed under
/// load ("4 expression load contexts still alive"): other test classes ran in parallel and had their own contexts
/// alive, and a context is only collected once the runtime has let go of its code (tiered compilation of its
/// methods on a background thread can hold it a while on a busy machine). Now it runs alone, follows only the
/// contexts its own reloads replaced (weak references), and collects until they are gone, with a generous bound
/// instead of a fixed number of GCs.</para></summary>
[Trait("Category", "Slow")] // a scale run: hundreds of compilations and forced collections (CONTRIBUTING.md)
[Collection(Alone.Name)]
public sealed class ReloadMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Reloads_UnloadReplacedCode_MemoryStaysFlat()
    {
        var reloads = int.TryParse(Environment.GetEnvironmentVariable("RULESENGINE_RELOADS"), out var n) ? n : 200;
        using var folder = new RulesFolder();
        var file = folder.Write("edited", """{"interval": 60}""", condition: "Email.Length > 0");
        var catalog = new FlowCatalog(folder.Path, TestConnectors.Loader());
        var replaced = new List<WeakReference<AssemblyLoadContext>>();
        var current = ContextsCreatedBy(() => Assert.Equal(CatalogChangeKind.Added, Assert.Single(catalog.Rescan()).Kind));

        void Reload(int i)
        {
            var created = ContextsCreatedBy(() =>
            {
                // A new condition each time: a new compilation, a new collectible assembly.
                File.WriteAllText(file, RulesFolder.Flow("edited", """{"interval": 60}""", condition: $"Email.Length > {i}"));
                var change = Assert.Single(catalog.Rescan());
                Assert.Equal(CatalogChangeKind.Replaced, change.Kind);
                change.Old!.Unload();
            });
            replaced.AddRange(current);
            current = created;
        }

        const int warmUp = 30;
        for (var i = 1; i <= warmUp; i++) Reload(i);
        var baseline = CollectUntilUnloaded(replaced);
        var samples = new List<string>();
        for (var i = warmUp + 1; i <= warmUp + reloads; i++)
        {
            Reload(i);
            if ((i - warmUp) % Math.Max(1, reloads / 4) == 0)
                samples.Add($"after {i - warmUp,5} reloads: {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0,7:0.0} MiB managed, {Alive(replaced)} replaced assemblies still loaded");
        }
        var final = CollectUntilUnloaded(replaced);
        output.WriteLine($"baseline after {warmUp} warm-up reloads: {baseline / 1048576.0:0.0} MiB managed");
        foreach (var sample in samples) output.WriteLine(sample);
        output.WriteLine($"growth over {reloads} reloads: {(final - baseline) / 1048576.0:0.00} MiB ({(final - baseline) / (double)reloads / 1024:0.0} KiB per reload); working set {Environment.WorkingSet / 1048576} MiB");

        Assert.True(replaced.Count >= warmUp + reloads, $"only {replaced.Count} replaced contexts were seen: the test follows nothing");
        Assert.True(Alive(replaced) == 0, $"{Alive(replaced)} of {replaced.Count} replaced expression load contexts still alive: replaced code is not unloaded");
        Assert.True(final - baseline < 16 * 1048576, $"managed memory grew {(final - baseline) / 1048576.0:0.0} MiB over {reloads} reloads");
    }

    /// <summary>Full blocking collections until every replaced context is gone (unloading takes several GC and
    /// finalizer rounds), bounded by a generous deadline rather than a count; then the managed heap size.</summary>
    private static long CollectUntilUnloaded(List<WeakReference<AssemblyLoadContext>> replaced)
    {
        SpinWait.SpinUntil(() =>
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
            return Alive(replaced) == 0;
        }, TimeSpan.FromMinutes(1));
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int Alive(List<WeakReference<AssemblyLoadContext>> contexts) => contexts.Count(c => c.TryGetTarget(out _));

    /// <summary>The expression load contexts that appeared while <paramref name="action"/> ran (the test runs alone,
    /// so they are its own), held weakly. Not inlined, so no strong reference outlives the call.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference<AssemblyLoadContext>> ContextsCreatedBy(Action action)
    {
        var before = ExpressionContexts().ToHashSet();
        action();
        return [.. ExpressionContexts().Where(c => !before.Contains(c)).Select(c => new WeakReference<AssemblyLoadContext>(c))];
    }

    private static IEnumerable<AssemblyLoadContext> ExpressionContexts() =>
        AssemblyLoadContext.All.Where(c => c.IsCollectible && c.Name?.Contains("expression", StringComparison.OrdinalIgnoreCase) == true);
}
