using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.State;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>A scheduling backend under test (one machine's <see cref="Core.Scheduling.FlowScheduler"/>, or a cluster
/// node on PostgreSQL) over a scratch rules folder, a state file, a fake clock and a fake executor, so one set of
/// tests (<see cref="SchedulerContract"/>) holds both to the same trigger semantics.</summary>
internal interface ISchedulerBed : IAsyncDisposable
{
    RulesFolder Rules { get; }
    FakeTimeProvider Clock { get; }
    SqliteStateStore Store { get; }
    FakeExecutor Executor { get; }

    /// <summary>Advances the clock, lets every firing that is due start (and end, unless the executor holds runs), and
    /// returns the flows started, in name order.</summary>
    Task<string[]> StepAsync(TimeSpan advance = default);

    /// <summary>Lets a held run end, and the backend take note of it.</summary>
    Task FinishAsync(string flow, RunStatus status = RunStatus.Completed);

    /// <summary>Reports a file change, lets it be reloaded, and returns the flows started meanwhile.</summary>
    Task<string[]> RescanAsync();

    /// <summary>When the flow's clock trigger fires next (null: none).</summary>
    Task<DateTimeOffset?> NextRunAsync(string flow);

    /// <summary>The flows in service, with their triggers as people read them.</summary>
    IReadOnlyDictionary<string, string> Flows { get; }
}
