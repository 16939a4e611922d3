using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>One loaded version of a flow file: the flow, and the compiled code it owns. When a newer version
/// replaces it, <see cref="Unload"/> frees that code (once no run of this version is in flight).</summary>
internal sealed class LoadedFlow(Flow flow, FlowSet set, string hash)
{
    public Flow Flow { get; } = flow;
    public string Name => Flow.Name;
    public string FilePath => Flow.FilePath;

    /// <summary>SHA-256 of the file's text: touching a file without changing it does not reload it.</summary>
    public string Hash { get; } = hash;

    public void Unload() => set.Unload();
}
