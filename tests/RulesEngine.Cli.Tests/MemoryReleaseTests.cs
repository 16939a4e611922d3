using System.Runtime.CompilerServices;
using RulesEngine.Cli.Hosting;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The daemon gives back the memory its runs left once no run is in flight (docs/performance.md, "The daemon's
/// memory"): without it a daemon kept each run's gen0 budget, dead large buffers and gen2 garbage resident, and grew a
/// little every round.
/// </summary>
public sealed class MemoryReleaseTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheMemoryIsReleased_WhenTheLastRunInFlightEnds_NotWhileAnotherRuns()
    {
        var collections = 0;
        var allocated = 0L;
        var executor = new ControlledExecutor();
        var releasing = new MemoryReleasingRunExecutor(executor, new MemoryRelease(() => allocated, () => collections++));

        var first = releasing.RunAsync(null!, CancellationToken.None, CancellationToken.None);
        var second = releasing.RunAsync(null!, CancellationToken.None, CancellationToken.None);
        allocated += MemoryRelease.Threshold; // what the runs allocated
        executor.Finish(0);
        await first.WaitAsync(Generous);
        Assert.Equal(0, collections); // the second run is still going

        executor.Finish(1);
        await second.WaitAsync(Generous);
        Assert.Equal(1, collections);
    }

    [Fact]
    public async Task ARunThatFails_StillReleasesWhatItLeft()
    {
        var collections = 0;
        var executor = new ControlledExecutor();
        var releasing = new MemoryReleasingRunExecutor(executor, new MemoryRelease(AllocatedEnoughEachTime(), () => collections++));

        var run = releasing.RunAsync(null!, CancellationToken.None, CancellationToken.None);
        executor.Fail(0, new InvalidOperationException("the state store is gone"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(Generous));
        Assert.Equal(1, collections);
    }

    [Fact]
    public void ACollection_IsSpentOnlyAfterRunsThatAllocatedEnough()
    {
        var collections = 0;
        var allocated = 1_000L;
        var release = new MemoryRelease(() => allocated, () => collections++);

        allocated += MemoryRelease.Threshold - 1; // an empty run of a quiet interval
        Assert.False(release.AfterRuns());
        allocated += 1;
        Assert.True(release.AfterRuns());
        allocated += MemoryRelease.Threshold / 2; // counted from the last collection, not from the start
        Assert.False(release.AfterRuns());
        Assert.Equal(1, collections);
    }

    [Fact]
    public void TheProcessesRelease_GivesCommittedMemoryBackToTheSystem()
    {
        var release = MemoryRelease.ForThisProcess();
        var before = CommittedWhileHolding64MB();

        Assert.True(release.AfterRuns());

        var after = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes;
        // Other tests may allocate meanwhile (a gen0 budget at most); most of the 64 MB freed must be given back.
        Assert.True(before - after >= 32L * 1024 * 1024, $"committed {before} bytes before the release, {after} after");
    }

    /// <summary>Holds 64 MB (large-object heap), lets the GC run a full collection as it does on its own (what it
    /// frees it keeps committed for later), and returns what is committed then; nothing is held on return.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long CommittedWhileHolding64MB()
    {
        var held = Enumerable.Range(0, 64).Select(_ => new byte[1024 * 1024]).ToList();
        GC.Collect();
        GC.KeepAlive(held);
        var committed = GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes;
        Assert.True(committed >= 64L * 1024 * 1024, $"{committed} bytes committed while 64 MB are held");
        return committed;
    }

    private static Func<long> AllocatedEnoughEachTime()
    {
        var allocated = 0L;
        return () => allocated += MemoryRelease.Threshold;
    }

    /// <summary>Runs that end when the test says, in the order they started.</summary>
    private sealed class ControlledExecutor : IFlowRunExecutor
    {
        private readonly List<TaskCompletionSource<RunResult>> _runs = [];

        public Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort)
        {
            var run = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_runs) _runs.Add(run);
            return run.Task;
        }

        public void Finish(int index) => Run(index).SetResult(RunResult.Aborted("ended by the test"));

        public void Fail(int index, Exception error) => Run(index).SetException(error);

        private TaskCompletionSource<RunResult> Run(int index)
        {
            lock (_runs) return _runs[index];
        }
    }
}
