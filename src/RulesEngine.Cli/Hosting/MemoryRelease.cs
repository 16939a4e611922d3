namespace RulesEngine.Cli.Hosting;

/// <summary>
/// Gives the daemon's idle managed memory back to the system once its runs are over. Between runs a daemon keeps
/// what the GC committed for the last one: its gen0 budget (sized from the CPU's cache, tens of MB on a server), the
/// large-object heap's dead buffers (each run reads the whole tab, so they grow with the sheet) and gen2 garbage that
/// only a full collection frees. None of it is needed until the next run, and all of it is resident: a daemon grew
/// 2 to 3 MB a round to 156 MB after 1,000-row rounds (docs/performance.md, "The daemon's memory"). One compacting
/// collection that decommits what it frees costs a few milliseconds per run, never per row, and only after a run that
/// allocated at least <see cref="Threshold"/> since the last one, so the empty runs of a quiet interval cost nothing.
/// </summary>
/// <param name="allocatedBytes">Bytes allocated by the process so far (<see cref="GC.GetTotalAllocatedBytes"/>).</param>
/// <param name="collect">The collection (<see cref="CollectAggressively"/>).</param>
internal sealed class MemoryRelease(Func<long> allocatedBytes, Action collect)
{
    /// <summary>A 1,000-row run of the canonical flow allocates about 60 MB; an empty run well under 1 MB.</summary>
    public const long Threshold = 16L * 1024 * 1024;

    private long _allocatedAtLastRelease = allocatedBytes();

    public static MemoryRelease ForThisProcess() => new(() => GC.GetTotalAllocatedBytes(precise: false), CollectAggressively);

    /// <summary>Called when no run is in flight: collects when enough was allocated since the last time.</summary>
    public bool AfterRuns()
    {
        var allocated = allocatedBytes();
        if (allocated - Interlocked.Read(ref _allocatedAtLastRelease) < Threshold) return false;
        collect();
        Interlocked.Exchange(ref _allocatedAtLastRelease, allocatedBytes());
        return true;
    }

    /// <summary>A full, blocking, compacting collection that also decommits the free regions and the gen0 budget (the
    /// default mode keeps them committed for the next allocations).</summary>
    private static void CollectAggressively() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
