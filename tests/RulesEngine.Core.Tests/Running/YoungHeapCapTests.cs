using RulesEngine.Core.Running;

namespace RulesEngine.Core.Tests.Running;

public sealed class YoungHeapCapTests
{
    private static object? _sink;

    /// <summary>Small objects (not the large-object heap), as a run's rows allocate.</summary>
    private static void Allocate(long bytes)
    {
        for (long done = 0; done < bytes; done += 1024) _sink = new byte[1000];
    }

    [Fact]
    public void CollectIfDue_CollectsGenerationZero_OnceTheBudgetIsAllocated()
    {
        var cap = new YoungHeapCap(budget: 1024 * 1024);
        // Other tests in this process allocate too, and a collection the runtime makes by itself restarts the count:
        // allocating the budget again until a batch end collects keeps this independent of them.
        var collected = false;
        for (var round = 0; round < 50 && !collected; round++)
        {
            var before = GC.CollectionCount(0);
            Allocate(2 * 1024 * 1024);
            cap.CollectIfDue();
            collected = cap.Collected;
            if (collected) Assert.True(GC.CollectionCount(0) > before);
        }
        Assert.True(collected);
    }

    [Fact]
    public void CollectIfDue_LeavesTheHeapAlone_BelowTheBudget()
    {
        var cap = new YoungHeapCap(budget: 1L << 40);
        Allocate(4 * 1024 * 1024);
        cap.CollectIfDue();
        Assert.False(cap.Collected);
    }
}
