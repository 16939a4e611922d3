using Microsoft.Extensions.Logging;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// What a daemon does with a flow file that stops loading: logs it every time, and records each distinct problem once
/// in the flow's history as a failed run (so <c>history</c>, <c>status</c> and the console show it) and in the run
/// metrics. One machine and a cluster node share it, so both say the same thing and count it the same way.
/// </summary>
/// <param name="node">The cluster node that could not load it, or null on one machine.</param>
internal sealed class BrokenFlowFiles(IStateStore store, TimeProvider clock, ILogger logger, string? node = null)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    public void Report(CatalogChange change)
    {
        var text = string.Join(Environment.NewLine, change.Problems);
        var where = node is null ? "" : " on this node";
        var keeps = change.Old is { } old ? $"the last good version of {old.Name} keeps running{where}" : $"it is not loaded{where}";
        logger.LogError("{File} does not load ({Keeps}):{NewLine}{Problems}", change.FilePath, keeps, Environment.NewLine, text);
        if (!_reported.Add(change.FilePath + "\n" + text)) return;
        var name = change.Old?.Name ?? Path.GetFileNameWithoutExtension(change.FilePath);
        var now = clock.GetUtcNow();
        var runId = store.BeginRun(name, now);
        var onNode = node is null ? "" : $" on node {node}";
        store.FinishRun(runId, RunStatus.Failed, $"flow file does not load{onNode} ({keeps}): {text}", now);
        Telemetry.EngineMetrics.FlowFileBroken(name);
    }
}
