using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli;

/// <summary>Loads flows the way every verb does: the connectors of this program, the connections file, one compilation.</summary>
internal static class FlowSession
{
    /// <summary>Loads the flows, printing every problem to stderr; null when anything is wrong.</summary>
    public static FlowSet Load(IEnumerable<string> paths, string connectionsPath)
    {
        var registry = Composition.Registry();
        var diagnostics = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(connectionsPath, registry, diagnostics);
        var files = FlowLoader.FindFlowFiles(paths);
        var set = new FlowLoader(registry, connections).Load(files);
        var all = diagnostics.Concat(set.Diagnostics).ToList();
        foreach (var diagnostic in all) Console.Error.WriteLine(SecretRedactor.Redact(diagnostic.ToString()));
        return set with { Diagnostics = all };
    }

    public static Flow? LoadOne(string path, string connectionsPath)
    {
        if (!File.Exists(path)) throw new UsageException($"flow file '{path}' not found");
        var set = Load([path], connectionsPath);
        return set.Succeeded ? set.Flows.Single() : null;
    }
}
