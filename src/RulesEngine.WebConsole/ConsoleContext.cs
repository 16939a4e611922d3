using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.WebConsole.Actions;

namespace RulesEngine.WebConsole;

/// <summary>The console's own view of the daemon: its dependencies and the replays it started.</summary>
internal sealed class ConsoleContext(ConsoleDependencies dependencies, ReplayLauncher replays)
{
    public IStateStore Store => dependencies.Store;
    public IConsoleScheduler Scheduler => dependencies.Scheduler;
    public TimeProvider Clock => dependencies.Clock;
    public ReplayLauncher Replays { get; } = replays;

    /// <summary>A flow the console may act on: in service, or known to the history.</summary>
    public bool Knows(string flow) => Scheduler.PublishedFlows.Any(f => f.Name == flow) || Store.ListRuns(flow, 1).Count > 0;
}
