using System.Runtime.Loader;
using RulesEngine.Core.Scheduling;
using RulesEngine.Scheduling.Tests.Support;
using Xunit.Abstractions;

namespace RulesEngine.Scheduling.Tests;

/// <summary>Replaced compiled code is unloaded: memory stays flat over many reloads of an edited flow file.
/// RULESENGINE_RELOADS sets the count (the report quotes 1,000; the suite runs fewer to stay fast).</summary>
public sealed class ReloadMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Reloads_UnloadReplacedCode_MemoryStaysFlat()
    {
        var reloads = int.TryParse(Environment.GetEnvironmentVariable("RULESENGINE_RELOADS"), out var n) ? n : 200;
        using var folder = new RulesFolder();
        var file = folder.Write("edited", """{"interval": 60}""", condition: "Email.Length > 0");
        var catalog = new FlowCatalog(folder.Path, TestConnectors.Loader());
        Assert.Equal(CatalogChangeKind.Added, Assert.Single(catalog.Rescan()).Kind);

        void Reload(int i)
        {
            // A new condition each time: a new compilation, a new collectible assembly.
            File.WriteAllText(file, RulesFolder.Flow("edited", """{"interval": 60}""", condition: $"Email.Length > {i}"));
            var change = Assert.Single(catalog.Rescan());
            Assert.Equal(CatalogChangeKind.Replaced, change.Kind);
            change.Old!.Unload();
        }

        const int warmUp = 30;
        for (var i = 1; i <= warmUp; i++) Reload(i);
        var (baseline, baselineContexts) = Measure();
        var samples = new List<string>();
        for (var i = warmUp + 1; i <= warmUp + reloads; i++)
        {
            Reload(i);
            if ((i - warmUp) % Math.Max(1, reloads / 4) == 0)
            {
                var (bytes, contexts) = Measure();
                samples.Add($"after {i - warmUp,5} reloads: {bytes / 1048576.0,7:0.0} MiB managed, {contexts} expression assemblies loaded");
            }
        }
        var (final, finalContexts) = Measure();
        output.WriteLine($"baseline after {warmUp} warm-up reloads: {baseline / 1048576.0:0.0} MiB managed, {baselineContexts} expression assemblies loaded");
        foreach (var sample in samples) output.WriteLine(sample);
        output.WriteLine($"growth over {reloads} reloads: {(final - baseline) / 1048576.0:0.00} MiB ({(final - baseline) / (double)reloads / 1024:0.0} KiB per reload); working set {Environment.WorkingSet / 1048576} MiB");

        Assert.True(finalContexts <= 3, $"{finalContexts} expression load contexts still alive: replaced code is not unloaded");
        Assert.True(final - baseline < 16 * 1048576, $"managed memory grew {(final - baseline) / 1048576.0:0.0} MiB over {reloads} reloads");
    }

    private static (long Bytes, int Contexts) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        return (GC.GetTotalMemory(forceFullCollection: true), AssemblyLoadContext.All.Count(c => c.IsCollectible && c.Name?.Contains("expression", StringComparison.OrdinalIgnoreCase) == true));
    }
}
