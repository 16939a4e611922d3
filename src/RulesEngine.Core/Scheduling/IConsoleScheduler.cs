namespace RulesEngine.Core.Scheduling;

/// <summary>
/// What the web console needs of the daemon's scheduler, on one machine (<see cref="FlowScheduler"/>) or on a node of
/// a cluster: the flows this daemon knows with their state, the files that do not load, and "run now". Every member
/// is safe from any thread (the console answers requests on its own threads).
/// </summary>
internal interface IConsoleScheduler
{
    /// <summary>The flows in service, ordered by name, each with its switch, whether a run is in flight (on any
    /// machine) and its next clock time.</summary>
    IReadOnlyList<FlowState> PublishedFlows { get; }

    /// <summary>The files that do not load here (their last good version, if any, keeps running).</summary>
    IReadOnlyList<BrokenFlowFile> PublishedProblems { get; }

    /// <summary>Starts one run of the flow as soon as it is not running (never overlapping a run of it), also when
    /// it is switched off, as <c>run</c> does. False when no flow of that name is in service.</summary>
    Task<bool> RequestRunAsync(string flow, CancellationToken cancellationToken);
}
