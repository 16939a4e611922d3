using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// A batch's outcomes are written under the run's lease, checked by the store in the write's own transaction: when
/// another run took the lease over after the run's last in-memory check (a write delayed past the takeover), the store
/// refuses the write and the run stops exactly as for a lost lease, writing nothing more. Fake clock; a real SQLite
/// file behind a proxy that lets the takeover in right before the write.
/// </summary>
public sealed class FencedOutcomeTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string FlowName = "alerts";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly SqliteStateStore _sqlite;
    private readonly TestRegistry _registry = new();
    private readonly RulesEngine.Core.Flows.Flow _flow;

    public FencedOutcomeTests()
    {
        Directory.CreateDirectory(_directory);
        _sqlite = new SqliteStateStore(Path.Combine(_directory, "state.db"));
        _flow = _registry.LoadValid($$"""
            { "name": "{{FlowName}}", "source": { "type": "memory.rows" }, "batchSize": 1,
              "steps": [ { "id": "send", "type": "test.call" } ] }
            """);
        foreach (var n in Enumerable.Range(1, 4)) _registry.Source.Add(("Email", $"row{n}@x.io"), ("Name", $"n{n}"));
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
    public async Task ARunWhoseOutcomeWriteIsRefusedByTheFence_StopsAsForALostLease_AndWritesNothingMore()
    {
        // Another node takes the lease over (the run's in-memory check has already passed) and moves on.
        var store = TakeoverBeforeOutcome.Wrap(_sqlite, items => items.Any(c => c.Item.Key == "row2@x.io|n2"), () => TakeOver(position: "4"));

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() =>
            new FlowRunner(store, _clock) { QuarantineDirectory = null }.RunAsync(_flow, CancellationToken.None, waitForLease: false).WaitAsync(Patience));

        Assert.Contains("another run took over its lease", lost.Message);
        Assert.Equal("4", _sqlite.GetPosition(FlowName, "memory")); // not moved back to 2
        Assert.False(_sqlite.IsItemRecorded(FlowName, "memory", "row2@x.io|n2"));
        var run = Assert.Single(_sqlite.ListRuns(FlowName, 5));
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("another run took over its lease", run.Error);
        Assert.Equal([RowStatus.Done, RowStatus.Started], _sqlite.ListRows(run.Id).Select(r => r.Status));
        Assert.Equal("taker", _sqlite.TryAcquireLease(FlowName, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow())); // not released by the stale run
    }

    [Fact]
    public async Task AFirstRunSkippingTheExistingRows_DoesNotMoveThePositionOnceTheLeaseWasTakenOver()
    {
        var flow = _registry.LoadValid($$"""
            { "name": "{{FlowName}}", "source": { "type": "memory.rows", "existingRows": "skip" },
              "steps": [ { "id": "send", "type": "test.call" } ] }
            """);
        var store = TakeoverBeforeOutcome.Wrap(_sqlite, items => items.Count == 0, () => TakeOver(position: "9"));

        var lost = await Assert.ThrowsAsync<LeaseLostException>(() =>
            new FlowRunner(store, _clock) { QuarantineDirectory = null }.RunAsync(flow, CancellationToken.None, waitForLease: false).WaitAsync(Patience));

        Assert.Contains("another run took over its lease", lost.Message);
        Assert.Equal("9", _sqlite.GetPosition(FlowName, "memory")); // not moved back to the end this run read (4)
        Assert.Equal(RunStatus.Failed, Assert.Single(_sqlite.ListRuns(FlowName, 5)).Status);
    }

    private void TakeOver(string position)
    {
        var holder = _sqlite.TryAcquireLease(FlowName, "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow());
        Assert.NotNull(holder);
        Assert.True(_sqlite.TakeOverLease(FlowName, "taker", holder, FlowRunner.LeaseDuration, _clock.GetUtcNow()));
        _sqlite.SetPosition(FlowName, "memory", position);
    }

    [Fact]
    public async Task ARunUnderItsLease_WritesEveryBatchsOutcomeThroughTheFence()
    {
        var report = await new FlowRunner(_sqlite, _clock) { QuarantineDirectory = null }.RunAsync(_flow, CancellationToken.None, waitForLease: false);

        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal(4, report.Rows);
        Assert.Equal("4", _sqlite.GetPosition(FlowName, "memory"));
    }

    /// <summary>Runs an action right before the first outcome write whose items match.</summary>
    public class TakeoverBeforeOutcome : DispatchProxy
    {
        private IStateStore _inner = null!;
        private Func<IReadOnlyList<ItemCompletion>, bool> _matches = null!;
        private Action? _before;

        internal static IStateStore Wrap(IStateStore inner, Func<IReadOnlyList<ItemCompletion>, bool> matches, Action before)
        {
            var store = Create<IStateStore, TakeoverBeforeOutcome>();
            var proxy = (TakeoverBeforeOutcome)(object)store;
            (proxy._inner, proxy._matches, proxy._before) = (inner, matches, before);
            return store;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            args ??= [];
            if (targetMethod.Name is nameof(IStateStore.CompleteItemsUnderLease) or nameof(IStateStore.CompleteItems)
                && _matches((IReadOnlyList<ItemCompletion>)args[3]!))
                Interlocked.Exchange(ref _before, null)?.Invoke();
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
