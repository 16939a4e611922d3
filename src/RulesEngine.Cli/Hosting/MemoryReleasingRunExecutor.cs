using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cli.Hosting;

/// <summary>
/// The daemon's run executor with <see cref="MemoryRelease"/> after it: when the last run in flight ends (however it
/// ends), the memory it left is given back. Not while another run is in flight: a compacting collection pauses every
/// thread, and a run still going would only allocate again.
/// </summary>
internal sealed class MemoryReleasingRunExecutor(IFlowRunExecutor inner, MemoryRelease release) : IFlowRunExecutor
{
    private int _inFlight;

    public async Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await inner.RunAsync(flow, stopping, abort);
        }
        finally
        {
            if (Interlocked.Decrement(ref _inFlight) == 0) release.AfterRuns();
        }
    }
}
