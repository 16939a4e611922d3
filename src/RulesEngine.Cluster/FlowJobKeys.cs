using Quartz;

namespace RulesEngine.Cluster;

/// <summary>How flows are named in Quartz's tables: one durable job per flow, and at most one clock trigger per flow
/// (a one-shot trigger at the next time <see cref="Core.Scheduling.TriggerTimes"/> computes).</summary>
internal static class FlowJobKeys
{
    public const string JobGroup = "flows";
    public const string ClockGroup = "clock";
    public const string ChainGroup = "after";

    /// <summary>Job data: the triggers (as <see cref="Core.Scheduling.FlowTriggers.Describe"/> says them) of the version
    /// of the flow that scheduled the clock trigger, so a node whose version differs reschedules it.</summary>
    public const string TriggersKey = "triggers";

    /// <summary>Job data of a chained firing: the flow whose run ended, and the flows whose runs led to it.</summary>
    public const string AfterKey = "after";
    public const string ChainKey = "chain";

    public static JobKey Job(string flow) => new(flow, JobGroup);
    public static TriggerKey Clock(string flow) => new(flow, ClockGroup);
}
