using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>A flow file's name and triggers, read without loading the flow (no connections, secrets or
/// compilation): what <c>status</c> needs on a machine where only the daemon holds the secrets.</summary>
internal sealed record FlowHeader(string Name, string FilePath, FlowTriggers Triggers, IReadOnlyList<Diagnostic> Problems)
{
    public static FlowHeader Read(string file)
    {
        var display = Flows.DisplayPath.Of(file);
        var name = Path.GetFileNameWithoutExtension(file);
        var problems = new List<Diagnostic>();
        try
        {
            var content = File.ReadAllText(file);
            var root = JToken.Parse(content, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, CommentHandling = CommentHandling.Ignore });
            if (root is not JObject json) return new FlowHeader(name, file, FlowTriggers.None, [new Diagnostic(display, 1, 1, "RE0002", "not a flow (a JSON object)")]);
            name = json["name"]?.ToString() ?? name;
            var triggers = TriggerParser.Parse(json["triggers"], new FlowText(display, content), problems);
            return new FlowHeader(name, file, triggers, problems);
        }
        catch (Exception e) when (e is JsonReaderException or IOException or UnauthorizedAccessException)
        {
            return new FlowHeader(name, file, FlowTriggers.None, [new Diagnostic(display, 1, 1, "RE0001", e.Message)]);
        }
    }
}
