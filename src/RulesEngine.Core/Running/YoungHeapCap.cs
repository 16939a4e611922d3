namespace RulesEngine.Core.Running;

/// <summary>
/// Keeps the young generation of a run small: once the process has allocated <paramref name="budget"/> bytes since the
/// last generation-0 collection, the next <see cref="CollectIfDue"/> (at a batch end, or every so many items of a pass
/// over a source's items) collects generation 0.
/// <para>
/// Why: the runtime sizes generation 0 from the CPU's last-level cache as the machine reports it, and virtual machines
/// report their host's (260 MiB on the bench machine), so a run touches ~70 MB of fresh memory before its first
/// collection although little of it is alive (docs/performance.md). The runtime's own setting for it
/// (<c>DOTNET_GCgen0size</c>) is read from the environment only, which an installed tool cannot set for itself. What
/// a batch leaves alive at its end is small, so such a collection is short (well under a millisecond) and comes every
/// few dozen rows.
/// </para>
/// </summary>
internal sealed class YoungHeapCap(long budget)
{
    /// <summary>16 MB: peak RSS as with <c>DOTNET_GCgen0size=0x1000000</c>, no measurable CPU (docs/performance.md).</summary>
    public const long DefaultBudget = 16L * 1024 * 1024;

    private long _allocatedAtLastCollection = GC.GetTotalAllocatedBytes();
    private int _collectionsSeen = GC.CollectionCount(0);

    /// <summary>How many items make a read big enough for <see cref="ReturnFreeMemory"/> after it.</summary>
    public const int BigRead = 10_000;

    /// <summary>
    /// Collects everything and hands the memory the collector keeps for reuse back to the system. A read of 100,000
    /// rows and the check of their keys allocate some 90 MB, little of it alive after, but the collector keeps what it
    /// used committed (about 50 MB more than alive), and the batches' own peak would come on top of it. Once per run,
    /// and only after a big read: it costs a full blocking collection of a small heap (a few milliseconds).
    /// </summary>
    public static void ReturnFreeMemory() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>Whether the last <see cref="CollectIfDue"/> collected.</summary>
    public bool Collected { get; private set; }

    public void CollectIfDue()
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var collections = GC.CollectionCount(0);
        // The runtime collected by itself since: its collection reset the young heap, so count from there.
        if (collections != _collectionsSeen) (_allocatedAtLastCollection, _collectionsSeen) = (allocated, collections);
        Collected = allocated - _allocatedAtLastCollection >= budget;
        if (Collected) Collect();
    }

    /// <summary>Collects generation 0 now: for a point where what was allocated since the last collection is unknown
    /// (this cap counts only from its creation) and known to be mostly dead, such as the end of start-up.</summary>
    public void Collect()
    {
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        (_allocatedAtLastCollection, _collectionsSeen) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0));
    }
}
