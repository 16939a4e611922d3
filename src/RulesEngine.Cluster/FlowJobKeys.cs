using Quartz;

namespace RulesEngine.Cluster;

/// <summary>How flows are named in Quartz's tables: one durable job per flow, and one waiting clock trigger per flow
/// (a one-shot trigger at the next time <see cref="Core.Scheduling.TriggerTimes"/> computes). Each clock trigger has a
/// name of its own: a firing stores the next one while Quartz still holds the fired one, which it deletes when the run
/// ends; under one shared name that deletion could take the new trigger with it (measured: a 1-second flow lost its
/// trigger every few runs).</summary>
internal static class FlowJobKeys
{
    public const string JobGroup = "flows";
    public const string ClockGroup = "clock";
    public const string ChainGroup = "after";

    /// <summary>One-shot triggers of "run now" (the web console): they run the flow also when it is switched off.</summary>
    public const string RequestGroup = "now";

    /// <summary>Job data: the triggers (as <see cref="Core.Scheduling.FlowTriggers.Describe"/> says them) of the version
    /// of the flow that scheduled the clock trigger, so a node whose version differs reschedules it.</summary>
    public const string TriggersKey = "triggers";

    /// <summary>Job data of a chained firing: the flow whose run ended, and the flows whose runs led to it.</summary>
    public const string AfterKey = "after";
    public const string ChainKey = "chain";

    /// <summary>Job data of a "run now" firing: the node whose console asked for it.</summary>
    public const string RequestedOnKey = "requestedOn";

    public static JobKey Job(string flow) => new(flow, JobGroup);
    public static TriggerKey NewClock(string flow) => new($"{flow}@{Guid.NewGuid():N}", ClockGroup);
}
