using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>Which ends of the other flow's run start a chained flow.</summary>
internal enum ChainOn
{
    /// <summary>The run completed (rows whose steps failed are data, not a failed run).</summary>
    Success,

    /// <summary>The run failed as a whole (e.g. the source could not be read).</summary>
    Failure,

    /// <summary>Either.</summary>
    Always,
}

/// <summary>"Run after <see cref="Flow"/>": the other flow's name, and which of its run endings count.</summary>
internal sealed record AfterTrigger(string Flow, ChainOn On, Flows.SourceLocation Location)
{
    public bool Matches(RunStatus status) => On switch
    {
        ChainOn.Always => status is RunStatus.Completed or RunStatus.Failed,
        ChainOn.Success => status == RunStatus.Completed,
        _ => status == RunStatus.Failed,
    };
}
