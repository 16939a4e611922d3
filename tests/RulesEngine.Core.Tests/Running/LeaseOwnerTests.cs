using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Running;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// The owner race fixed in 7ecb497: <see cref="FlowRunner.Owner"/> was built lazily with <c>??=</c>, each build with a
/// new random suffix, so two flows' first runs starting together on one runner (a cluster node, serve --max-parallel)
/// could take a lease under one name and release it under the other, leaving the lease held until it expired. The race
/// is made certain, not likely: the cluster's node id, read while the name is built, lets no caller through until every
/// caller is building, so each one builds its own name; the runner must still hand all of them the same one.
/// </summary>
public sealed class LeaseOwnerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SqliteStateStore _store = new(Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task ManyThreadsReadingTheOwnerOfAFreshRunner_AllGetTheSameName()
    {
        const int threads = 8;
        var runner = new FlowRunner(_store, _clock) { Cluster = new RendezvousNode(threads) };
        using var start = new Barrier(threads);

        var names = await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(Patience);
            return runner.Owner;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))).WaitAsync(Patience);

        Assert.Single(names.Distinct());
        Assert.Equal(RendezvousNode.Id, LeaseHolder.NodeOf(names[0]));
        Assert.Equal(names[0], runner.Owner);
    }

    [Fact]
    public async Task TwoFlowsFirstRunsTogether_OnOneRunner_LeaveNoLeaseHeld()
    {
        var registry = new TestRegistry();
        var alpha = registry.LoadValid(TestFlows.UpdateCreateAlert.Replace("\"contacts\"", "\"alpha\"", StringComparison.Ordinal));
        var beta = registry.LoadValid(TestFlows.UpdateCreateAlert.Replace("\"contacts\"", "\"beta\"", StringComparison.Ordinal));
        var runner = new FlowRunner(_store, _clock) { Cluster = new RendezvousNode(2), QuarantineDirectory = null };

        var reports = await Task.WhenAll(
            Task.Run(() => runner.RunAsync(alpha, CancellationToken.None, waitForLease: false)),
            Task.Run(() => runner.RunAsync(beta, CancellationToken.None, waitForLease: false))).WaitAsync(Patience);

        Assert.All(reports, r => Assert.Equal(RunStatus.Completed, r.Status));
        foreach (var flow in new[] { "alpha", "beta" })
        {
            Assert.Null(_store.TryAcquireLease(flow, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow())); // free: released
            Assert.Equal(runner.Owner, Assert.Single(_store.ListRuns(flow, 10)).Holder);
        }
    }

    [Fact]
    public async Task AnExecutorsRuns_AllTakeTheirLeasesUnderOneName()
    {
        // The daemon's executor builds a runner per run; every one must still hold leases under the daemon's one name.
        var registry = new TestRegistry();
        var alpha = registry.LoadValid(TestFlows.UpdateCreateAlert.Replace("\"contacts\"", "\"alpha\"", StringComparison.Ordinal));
        var beta = registry.LoadValid(TestFlows.UpdateCreateAlert.Replace("\"contacts\"", "\"beta\"", StringComparison.Ordinal));
        var executor = new LeasedRunExecutor(_store, _clock, NullLogger.Instance, new RendezvousNode(2));

        await Task.WhenAll(
            Task.Run(() => executor.RunAsync(alpha, CancellationToken.None, CancellationToken.None)),
            Task.Run(() => executor.RunAsync(beta, CancellationToken.None, CancellationToken.None))).WaitAsync(Patience);
        await executor.RunAsync(alpha, CancellationToken.None, CancellationToken.None);

        var holders = new[] { "alpha", "beta" }.SelectMany(f => _store.ListRuns(f, 10)).Select(r => r.Holder).ToList();
        Assert.Equal(3, holders.Count);
        Assert.Single(holders.Distinct());
        Assert.Equal(RendezvousNode.Id, LeaseHolder.NodeOf(holders[0]));
        Assert.Null(_store.TryAcquireLease("alpha", "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow()));
        Assert.Null(_store.TryAcquireLease("beta", "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow()));
    }

    /// <summary>A cluster node whose id, read while a lease holder name is built, is handed to the first
    /// <paramref name="callers"/> readers only once all of them are reading it: they all build a name at the same time.
    /// Later readers get it at once. (If fewer ever come, the first wait gives up after a minute.)</summary>
    private sealed class RendezvousNode(int callers) : IClusterMembers
    {
        public const string Id = "web1-4242-1a2b3c";
        private readonly Barrier _together = new(callers);
        private int _readers;

        public string NodeId
        {
            get
            {
                if (Interlocked.Increment(ref _readers) <= callers) _together.SignalAndWait(Patience);
                return Id;
            }
        }

        public Task<bool> HasLeftAsync(string nodeId, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
