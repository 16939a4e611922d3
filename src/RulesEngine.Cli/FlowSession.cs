using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli;

/// <summary>Loads flows the way every verb does: the connectors of this program, the connections file, one compilation.</summary>
internal static class FlowSession
{
    /// <summary>Loads the flows, printing every problem to the error output. <paramref name="wholeSet"/>: the
    /// paths name every flow there is (a rules folder), so an "after" trigger naming a missing flow is an error.
    /// A cycle of "after" triggers among the loaded flows is always an error. <paramref name="secretsRequired"/>
    /// false (<c>validate</c> without <c>--require-secrets</c>): a secret that is not set is a warning.</summary>
    public static FlowSet Load(IEnumerable<string> paths, string connectionsPath, Console console, bool wholeSet = false, bool secretsRequired = true)
    {
        var registry = Composition.Registry();
        var diagnostics = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(connectionsPath, registry, diagnostics);
        var files = FlowLoader.FindFlowFiles(paths);
        // one-shot verbs never replace their code: non-collectible, so Dynamic PGO applies (serve loads collectibly)
        var set = new FlowLoader(registry, connections) { CollectibleCode = false, SecretsRequired = secretsRequired }.Load(files);
        var all = diagnostics.Concat(set.Diagnostics)
            .Concat(wholeSet ? RulesEngine.Core.Scheduling.FlowTriggers.CheckChains(set.Outlines) : [])
            .Concat(RulesEngine.Core.Scheduling.ChainCycles.Find(set.Outlines))
            .Distinct() // a broken connection's problems come from the connections file and from each flow that uses it; the loader reports a flow after itself too
            .ToList();
        foreach (var diagnostic in all) console.Error(diagnostic.ToString());
        return set with { Diagnostics = all };
    }

    public static Flow? LoadOne(string path, string connectionsPath, Console console)
    {
        if (!File.Exists(path)) throw new UsageException($"flow file '{path}' not found");
        var set = Load([path], connectionsPath, console);
        return set.Succeeded ? set.Flows.Single() : null;
    }

    /// <summary>Reads one real row of the flow's source (row <paramref name="row"/>, or the last) without moving any
    /// position; null after saying why on the error output (the source could not be read, or has no such row), which
    /// the verbs answer with <see cref="ExitCode.Unavailable"/>.</summary>
    /// <param name="noRows">What to say when the source has no rows at all.</param>
    public static async Task<SourceItem?> ReadSampleAsync(Flow flow, int? row, string noRows, Console console, CancellationToken cancellationToken)
    {
        SourceItem? item;
        try
        {
            item = await flow.Source.ReadSampleAsync(row, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            console.Error($"the source could not be read: {e.Message}");
            return null;
        }
        if (item is null) console.Error(row is null ? noRows : $"row {row} is empty or does not exist");
        return item;
    }
}
