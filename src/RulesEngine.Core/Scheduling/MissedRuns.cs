namespace RulesEngine.Core.Scheduling;

/// <summary>What the daemon does, when it starts, with scheduled runs that fell due while it was down.</summary>
internal enum MissedRuns
{
    /// <summary>Run once right away, however many were missed (the default: a flow reads everything new since its
    /// last run, so one late run catches up on all of them).</summary>
    RunOnce,

    /// <summary>Forget them and wait for the next scheduled time (for flows whose output is only useful on time).</summary>
    Skip,
}
