using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.WebConsole;

/// <summary>What the console reads and acts through: the daemon's state store (switches, leases, the journal), its
/// scheduler (flows in service, run now: the one-machine loop or a cluster node) and the loader the daemon uses for a flow file (a replay loads the file as
/// <c>replay</c> does).</summary>
internal sealed record ConsoleDependencies(IStateStore Store, IConsoleScheduler Scheduler, Func<string, FlowSet> LoadFlowFile, TimeProvider Clock);
