using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>A scheduler over a scratch rules folder, a scratch state file, a fake clock and a fake executor.
/// <see cref="StepAsync"/> moves the clock, runs one tick and lets the runs it started end.</summary>
internal sealed class SchedulerBed : IDisposable, ISchedulerBed
{
    /// <summary>Monday 3 March 2025, 08:00 UTC.</summary>
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 8, 0, 0, TimeSpan.Zero);

    /// <param name="refuseCycles">False: the catalog lets cycles of "after" triggers through, to test the
    /// scheduler's own guard against running a chain in a loop.</param>
    public SchedulerBed(int maxParallel = 4, DateTimeOffset? start = null, bool refuseCycles = true)
    {
        Clock = new FakeTimeProvider(start ?? Start);
        Store = new SqliteStateStore(System.IO.Path.Combine(Rules.Path, ".state", "state.db"));
        Catalog = new FlowCatalog(Rules.Path, TestConnectors.Loader()) { RefuseCycles = refuseCycles };
        Scheduler = new FlowScheduler(Catalog, Store, Executor, new SchedulerOptions { MaxParallel = maxParallel }, Clock, NullLogger.Instance);
    }

    public RulesFolder Rules { get; } = new();
    public FakeTimeProvider Clock { get; }
    public SqliteStateStore Store { get; }
    public FakeExecutor Executor { get; } = new();
    public FlowCatalog Catalog { get; }
    public FlowScheduler Scheduler { get; }

    /// <summary>Advances the clock, ticks, waits for runs that end by themselves, and returns the flows started.</summary>
    public async Task<string[]> StepAsync(TimeSpan advance = default)
    {
        Clock.Advance(advance);
        var before = Scheduler.StartedRuns;
        Scheduler.Tick();
        await Executor.WaitForCallsAsync(Scheduler.StartedRuns - before);
        if (!Executor.Hold) await Scheduler.InFlight();
        return [.. Executor.TakeStarted().Order(StringComparer.Ordinal)];
    }

    /// <summary>Lets a held run end and the scheduler take note of it.</summary>
    public async Task FinishAsync(string flow, RunStatus status = RunStatus.Completed)
    {
        var run = Scheduler.RunOf(flow);
        Executor.Finish(flow, status);
        await run;
    }

    /// <summary>Reports a file change and lets the debounce pass.</summary>
    public Task<string[]> RescanAsync()
    {
        Scheduler.RequestRescan();
        Scheduler.Tick(); // notes the request
        return StepAsync(FlowScheduler.RescanDelay);
    }

    public Task<DateTimeOffset?> NextRunAsync(string flow) => Task.FromResult(Scheduler.Flows.Single(f => f.Name == flow).NextRun);

    public IReadOnlyDictionary<string, string> Flows => Scheduler.Flows.ToDictionary(f => f.Name, f => f.Triggers);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        Store.Dispose();
        Rules.Dispose();
    }
}
