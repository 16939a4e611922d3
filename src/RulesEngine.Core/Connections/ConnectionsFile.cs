using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Connections;

/// <summary>
/// The connections file: names mapped to services (<c>{"helpcrunch": {"type": "helpCrunch", "apiKey": "${env:X}"}}</c>).
/// Connections are created on first use, so a flow is only held to the secrets of the connections it names.
/// </summary>
public sealed class ConnectionsFile
{
    private readonly Dictionary<string, JObject> _entries;
    private readonly Dictionary<string, object> _created = new(StringComparer.Ordinal);
    private readonly ConnectorRegistry _registry;
    private readonly FlowText _text;

    private ConnectionsFile(string path, Dictionary<string, JObject> entries, ConnectorRegistry registry, FlowText? text = null)
    {
        FilePath = path;
        _text = text ?? new FlowText(path, "");
        _entries = entries;
        _registry = registry;
    }

    public string FilePath { get; }

    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>An empty set (flows that name a connection then get a clear error).</summary>
    public static ConnectionsFile Empty(ConnectorRegistry registry) => new("(no connections file)", new(), registry);

    public static ConnectionsFile Load(string path, ConnectorRegistry registry, List<Diagnostic> diagnostics)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            diagnostics.Add(new Diagnostic(full, 1, 1, "RE0300", "connections file not found; pass --connections FILE or create it (see README: connections)"));
            return new ConnectionsFile(full, new(), registry);
        }
        JToken root;
        var text = File.ReadAllText(full);
        try
        {
            root = JToken.Parse(text, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load });
        }
        catch (JsonReaderException e)
        {
            var (line, column) = FlowText.ReaderErrorPosition(text, e);
            diagnostics.Add(new Diagnostic(full, line, column, "RE0001", $"invalid JSON: {e.Message}"));
            return new ConnectionsFile(full, new(), registry);
        }
        var entries = new Dictionary<string, JObject>(StringComparer.Ordinal);
        if (root is not JObject obj)
        {
            diagnostics.Add(new Diagnostic(full, 1, 1, "RE0304", "the connections file must be a JSON object mapping names to connections"));
            return new ConnectionsFile(full, entries, registry);
        }
        foreach (var property in obj.Properties())
        {
            if (property.Name.StartsWith('$')) continue;
            if (property.Value is JObject entry) entries[property.Name] = entry;
            else
            {
                var at = (IJsonLineInfo)property;
                diagnostics.Add(new Diagnostic(full, at.LineNumber, at.LinePosition, "RE0304", $"connection '{property.Name}' must be an object with a \"type\""));
            }
        }
        return new ConnectionsFile(full, entries, registry, new FlowText(full, text));
    }

    /// <summary>
    /// The connection object named <paramref name="name"/>, checked to be of <paramref name="expectedType"/>.
    /// Problems (unknown name, wrong type, missing secret) are added to <paramref name="diagnostics"/> at
    /// <paramref name="usedAt"/> and in the connections file; the result is then null.
    /// </summary>
    public object? Get(string name, string expectedType, SourceLocation usedAt, List<Diagnostic> diagnostics)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            var known = _entries.Count == 0 ? "none are defined" : "known: " + string.Join(", ", _entries.Keys);
            diagnostics.Add(usedAt.Error("RE0305", $"unknown connection '{name}' ({known} in {FilePath})"));
            return null;
        }
        var type = entry["type"]?.ToString() ?? "";
        if (type != expectedType)
        {
            diagnostics.Add(usedAt.Error("RE0306", $"connection '{name}' is of type '{type}', but this step needs a '{expectedType}' connection"));
            return null;
        }
        if (_created.TryGetValue(name, out var existing)) return existing;
        if (!_registry.TryGetConnectionType(type, out var create))
        {
            diagnostics.Add(usedAt.Error("RE0307", $"connection '{name}' has unknown type '{type}'; known types: {string.Join(", ", _registry.ConnectionTypes)}"));
            return null;
        }
        var local = new List<Diagnostic>();
        var settings = new ConnectionSettings(name, type, entry, _text, Path.GetDirectoryName(FilePath)!, local);
        var connection = create(settings);
        diagnostics.AddRange(local);
        if (local.Count > 0) return null;
        _created[name] = connection;
        return connection;
    }
}
