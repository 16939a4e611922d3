using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Quartz;

using RulesEngine.Cluster;
using ClusterNode = RulesEngine.Cluster.ClusterNode;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>
/// One cluster node (Quartz's clustered AdoJobStore on a fresh PostgreSQL database of its own) over a scratch rules
/// folder, a fake clock (Quartz runs on it too) and a fake executor. A step moves the clock and waits until the node is
/// quiet: every trigger waits for a time after now and no firing is in progress.
/// </summary>
internal sealed class ClusterBed : ISchedulerBed
{
    private readonly CancellationTokenSource _stop = new();
    private Task<bool>? _loop;

    private ClusterBed(DateTimeOffset start, string connectionString)
    {
        Clock = new FakeTimeProvider(start);
        Store = new SqliteStateStore(Path.Combine(Rules.Path, ".state", "state.db"));
        Catalog = new FlowCatalog(Rules.Path, TestConnectors.Loader());
        ConnectionString = connectionString;
        Node = new ClusterNode(Catalog, Store, Executor, new SchedulerOptions(), new ClusterOptions { ConnectionString = connectionString }, Clock, NullLogger.Instance);
    }

    /// <summary>The node's database (Quartz's tables and the check-ins).</summary>
    public string ConnectionString { get; }

    public RulesFolder Rules { get; } = new();
    public FakeTimeProvider Clock { get; }
    public SqliteStateStore Store { get; }
    public FakeExecutor Executor { get; } = new();
    public FlowCatalog Catalog { get; }
    public ClusterNode Node { get; }

    public static async Task<ClusterBed> CreateAsync(PostgresServer postgres, DateTimeOffset? start = null)
    {
        var connection = postgres.ConnectionString(await postgres.CreateDatabaseAsync("cluster"));
        await ClusterSchema.MigrateAsync(connection);
        return new ClusterBed(start ?? SchedulerBed.Start, connection);
    }

    public IReadOnlyDictionary<string, string> Flows => Node.Flows.ToDictionary(f => f.Name, f => f.Flow.Triggers.Describe());

    public async Task<string[]> StepAsync(TimeSpan advance = default)
    {
        if (_loop is null)
        {
            _loop = Node.RunAsync(_stop.Token, CancellationToken.None);
            await WaitUntilAsync(() => Task.FromResult(Node.Started), "the node to start");
        }
        Clock.Advance(advance);
        await WaitUntilQuietAsync();
        return [.. Executor.TakeStarted().Order(StringComparer.Ordinal)];
    }

    public async Task FinishAsync(string flow, RunStatus status = RunStatus.Completed)
    {
        Executor.Finish(flow, status);
        await WaitUntilAsync(() => Task.FromResult(Node.FiringsInProgress == Executor.HeldCount), $"the run of {flow} to end");
    }

    public async Task<string[]> RescanAsync()
    {
        var reloads = Node.Reloads;
        Node.RequestRescan();
        await WaitUntilAsync(() => Task.FromResult(Node.Reloads > reloads), "a reload");
        return await StepAsync(FlowScheduler.RescanDelay);
    }

    public async Task<DateTimeOffset?> NextRunAsync(string flow) =>
        (await Node.ClockTriggersAsync(flow)).Select(t => t.NextFireTimeUtc).Where(t => t is not null).Min();

    /// <summary>Quiet: no firing in progress or pending on this node, and every trigger waits for a time after now.
    /// Firings of held runs count as settled once the executor has them.</summary>
    private Task WaitUntilQuietAsync() => WaitUntilAsync(async () =>
    {
        var now = Clock.GetUtcNow();
        var triggers = await TriggersAsync();
        // A flow with a clock trigger whose trigger is gone or has no next time is between a firing and its reschedule.
        foreach (var flow in Node.Flows.Where(f => f.Flow.Triggers.HasClock))
            if (!triggers.Any(t => t.Flow == flow.Name && t.Key.Group == "clock" && t.Next is not null)) return false;
        foreach (var (key, flow, next, state) in triggers)
        {
            // Waiting for a run the executor holds: settled. (Before the run reaches the executor it is not.)
            if (state is TriggerState.Blocked or TriggerState.Executing && Executor.IsHeld(flow)) continue;
            if (next <= now || state is not (TriggerState.Normal or TriggerState.Blocked)) return false;
        }
        return Node.FiringsInProgress == Executor.HeldCount;
    }, "the node to settle", async () => $"at {Clock.GetUtcNow():O}, {Node.FiringsInProgress} firing(s), {Executor.HeldCount} held; triggers: " +
        string.Join("; ", (await TriggersAsync()).Select(t => $"{t.Key} next {t.Next:O} {t.State}")));

    internal async Task<string> DescribeAsync() => string.Join("; ", (await TriggersAsync()).Select(t => $"{t.Key} next {t.Next:O} {t.State}"));

    private async Task<List<(TriggerKey Key, string Flow, DateTimeOffset? Next, TriggerState State)>> TriggersAsync()
    {
        var scheduler = Node.Scheduler;
        var triggers = new List<(TriggerKey, string, DateTimeOffset?, TriggerState)>();
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.AnyGroup()))
            if (await scheduler.GetTrigger(key) is { } trigger)
                triggers.Add((key, trigger.JobKey.Name, trigger.NextFireTimeUtc, await scheduler.GetTriggerState(key)));
        return triggers;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<Task<string>>? state = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}" + (state is null ? "" : ": " + await state()));
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop.WaitAsync(TimeSpan.FromSeconds(60)); }
            catch (Exception) { /* a failed test already says what went wrong */ }
        }
        Store.Dispose();
        Rules.Dispose();
    }
}
