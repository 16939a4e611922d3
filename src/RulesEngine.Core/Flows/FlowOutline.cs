using RulesEngine.Core.Scheduling;

namespace RulesEngine.Core.Flows;

/// <summary>What a flow file says about itself before anything else is checked: its name and triggers. Kept for
/// every file that parsed, so checks across files (chains, cycles) also see flows that have other errors.</summary>
internal sealed record FlowOutline(string Name, string FilePath, string DisplayPath, FlowTriggers Triggers)
{
    public static FlowOutline Of(Flow flow) =>
        new(flow.Name, flow.FilePath, Flows.DisplayPath.Of(flow.FilePath), flow.Triggers);
}
