using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// A run acts on services only while it is sure it holds its flow's lease: it stops before the next call once a
/// renewal finds the lease taken, or once no renewal got through within <see cref="RunLease.Trust"/> (even if that
/// renewal later succeeds), and a healthy run keeps its lease across many renewals. Fake clock; the store is a real
/// SQLite file behind a proxy that can hold a renewal back, as a database cut off from the node would.
/// </summary>
public sealed class RunLeaseTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string FlowName = "alerts";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteStateStore _sqlite;
    private readonly GatedReceiver _receiver = new();
    private readonly RulesEngine.Core.Flows.Flow _flow;

    public RunLeaseTests()
    {
        Directory.CreateDirectory(_directory);
        _sqlite = new SqliteStateStore(Path.Combine(_directory, "state.db"));
        var registry = new TestRegistry();
        registry.Registry.AddReceiver(new StepSpec("test.gated", "a call the test can hold", []), _ => _receiver);
        _flow = registry.LoadValid($$"""
            { "name": "{{FlowName}}", "source": { "type": "memory.rows" }, "batchSize": 1,
              "steps": [ { "id": "send", "type": "test.gated" } ] }
            """);
        foreach (var n in Enumerable.Range(1, 5)) registry.Source.Add(("Email", $"row{n}@x.io"), ("Name", $"n{n}"));
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a scratch folder left in /tmp is harmless
        }
    }

    [Fact]
    public async Task ARunWhoseLeaseWasTakenOver_StopsAtOnce_AndCallsNoServiceAgain()
    {
        var (store, renewals) = RenewalGate.Wrap(_sqlite);
        _receiver.HoldRow = "row2@x.io";
        var run = StartRun(store);
        await _receiver.Held.Task.WaitAsync(Patience);

        // Another node takes the lease over (its node stopped checking in, say) while row 2's call is in progress.
        var holder = _sqlite.TryAcquireLease(FlowName, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow());
        Assert.NotNull(holder);
        Assert.True(_sqlite.TakeOverLease(FlowName, "taker", holder, FlowRunner.LeaseDuration, _clock.GetUtcNow()));
        _clock.Advance(RunLease.RenewEvery); // the run's next renewal finds the lease taken

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => run.WaitAsync(Patience));
        Assert.Contains("another run took over its lease", lost.Message);
        Assert.Equal(1, renewals.Refused);
        Assert.Equal(["row1@x.io", "row2@x.io"], _receiver.Calls); // the call in progress was cancelled, no later one made
        Assert.Equal("1", _sqlite.GetPosition(FlowName, "memory")); // row 2's outcome was not written by the stale run
        Assert.Equal("taker", _sqlite.TryAcquireLease(FlowName, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow()));
        var history = Assert.Single(_sqlite.ListRuns(FlowName, 5));
        Assert.Equal(RunStatus.Failed, history.Status);
        Assert.Contains("another run took over its lease", history.Error);
    }

    [Fact]
    public async Task ARenewalThatGetsThroughTooLate_DoesNotLetTheRunGoOn()
    {
        var (store, renewals) = RenewalGate.Wrap(_sqlite);
        renewals.Hold = true; // the database is cut off: renewals block, as the store's retries would
        _receiver.HoldRow = "row2@x.io";
        _receiver.IgnoresCancellation = true; // a call that finishes anyway must still be the last one
        var run = StartRun(store);
        await _receiver.Held.Task.WaitAsync(Patience);

        _clock.Advance(RunLease.RenewEvery);
        await renewals.Entered.Task.WaitAsync(Patience); // the renewal is sent and hangs
        _clock.Advance(RunLease.Trust); // no renewal got through within the trust: the run must stop acting
        renewals.Release(); // the blocked renewal now succeeds: too late to count
        await renewals.Returned.Task.WaitAsync(Patience);
        _receiver.Release.TrySetResult(); // row 2's call returns

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => run.WaitAsync(Patience));
        Assert.Contains("could not be renewed within 15 s", lost.Message);
        Assert.Equal(["row1@x.io", "row2@x.io"], _receiver.Calls);
        Assert.Equal("1", _sqlite.GetPosition(FlowName, "memory"));
    }

    [Fact]
    public async Task AHealthyRun_KeepsItsLeaseThroughManyRenewals()
    {
        var (store, renewals) = RenewalGate.Wrap(_sqlite);
        _receiver.HoldRow = "row2@x.io";
        var run = StartRun(store);
        await _receiver.Held.Task.WaitAsync(Patience);

        // A minute passes during row 2's call, four times the trust: each renewal extends it.
        for (var second = 1; second <= 60; second++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            var due = second / (int)RunLease.RenewEvery.TotalSeconds;
            await WaitUntil(() => renewals.Accepted >= due);
        }
        _receiver.Release.TrySetResult();

        var report = await run.WaitAsync(Patience);
        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(5, _receiver.Calls.Count);
        Assert.Equal(0, renewals.Refused);
        Assert.Null(_sqlite.TryAcquireLease(FlowName, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow())); // released
    }

    private Task<RunReport> StartRun(IStateStore store) =>
        Task.Run(() => new FlowRunner(store, _clock) { QuarantineDirectory = null }.RunAsync(_flow, CancellationToken.None, waitForLease: false));

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeout.Token); // polls a counter; fails after a minute
    }

    /// <summary>Answers each row at once, except <see cref="HoldRow"/>, whose call waits for <see cref="Release"/>.</summary>
    private sealed class GatedReceiver : IReceiver
    {
        private readonly ConcurrentQueue<string> _calls = new();
        public string? HoldRow { get; set; }
        public bool IgnoresCancellation { get; set; }
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<string> Calls => [.. _calls];

        public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            foreach (var item in items)
            {
                _calls.Enqueue(item.Row["Email"]);
                if (item.Row["Email"] != HoldRow) continue;
                Held.TrySetResult();
                if (IgnoresCancellation) await Release.Task.WaitAsync(Patience, CancellationToken.None);
                else await Release.Task.WaitAsync(Patience, cancellationToken);
            }
            return [.. items.Select(_ => StepOutcome.Success())];
        }

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }

    /// <summary>The store, with renewals counted and, while <see cref="Hold"/>, blocked until <see cref="Release"/>.</summary>
    public class RenewalGate : DispatchProxy
    {
        private IStateStore _inner = null!;
        private readonly ManualResetEventSlim _open = new(initialState: true);
        private int _accepted, _refused;
        public bool Hold { set { if (value) _open.Reset(); else _open.Set(); } }
        public int Accepted => Volatile.Read(ref _accepted);
        public int Refused => Volatile.Read(ref _refused);
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Returned { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal static (IStateStore Store, RenewalGate Gate) Wrap(IStateStore inner)
        {
            var store = Create<IStateStore, RenewalGate>();
            var gate = (RenewalGate)(object)store;
            gate._inner = inner;
            return (store, gate);
        }

        public void Release() => _open.Set();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name != nameof(IStateStore.RenewLease))
                try
                {
                    return targetMethod.Invoke(_inner, args);
                }
                catch (TargetInvocationException e) when (e.InnerException is not null)
                {
                    throw e.InnerException;
                }
            Entered.TrySetResult();
            if (!_open.Wait(Patience)) throw new TimeoutException("the test never released the renewal");
            var ours = (bool)targetMethod.Invoke(_inner, args)!;
            Interlocked.Increment(ref ours ? ref _accepted : ref _refused);
            Returned.TrySetResult();
            return ours;
        }
    }
}
