namespace RulesEngine.Core.Scheduling;

/// <summary>The scheduler's view of one flow: the version in service, when it is due, whether it runs.</summary>
internal sealed class ScheduledFlow(LoadedFlow version)
{
    public LoadedFlow Version { get; set; } = version;
    public string Name => Version.Name;
    public FlowTriggers Triggers => Version.Flow.Triggers;

    /// <summary>The next time a clock trigger fires (UTC); null: no clock trigger.</summary>
    public DateTimeOffset? NextDue { get; set; }

    /// <summary>A flow this one runs after has ended as asked: run at the next chance.</summary>
    public string? ChainedAfter { get; set; }

    /// <summary>The flows whose runs led to the pending chained run (see <see cref="ChainedAfter"/>).</summary>
    public IReadOnlySet<string>? PendingChain { get; set; }

    /// <summary>The flows whose runs led to the run in flight, this flow included: the flows a run's end must not
    /// start again, so that a chain of "after" triggers never runs in a loop.</summary>
    public IReadOnlySet<string>? RunChain { get; set; }

    public bool Enabled { get; set; } = true;
    public Task? Run { get; set; }
    public RunResult? LastResult { get; set; }

    /// <summary>Versions replaced while a run of them was in flight: unloaded when it ends.</summary>
    public List<LoadedFlow> Retired { get; } = [];

    /// <summary>A person asked for a run now (the web console's "run now").</summary>
    public bool RunRequested { get; set; }

    public bool IsDue(DateTimeOffset now) => NextDue <= now || ChainedAfter is not null || RunRequested;
}
