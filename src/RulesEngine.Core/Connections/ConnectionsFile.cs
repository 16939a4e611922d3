using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Connections;

/// <summary>
/// The connections file: names mapped to services (<c>{"helpcrunch": {"type": "helpCrunch", "apiKey": "${env:X}"}}</c>).
/// It is as strict as a flow file: when it loads, every entry is checked against its type's <see cref="ConnectionSpec"/>
/// (unknown or repeated keys, wrong JSON types, ranges, malformed references). Clients are created on first use,
/// so a flow is only held to the secrets of the connections it names. Every problem of an entry is reported at
/// the connections file, once: a step naming a broken connection gets that entry's problems, not a problem of its own.
/// </summary>
internal sealed class ConnectionsFile
{
    private readonly Dictionary<string, Entry> _entries;
    private readonly IReadOnlyList<Diagnostic> _unreadable;
    private readonly ConnectorRegistry _registry;
    private readonly ConnectionsText _text;
    private readonly object _gate = new();

    private ConnectionsFile(string path, ConnectorRegistry registry, ConnectionsText? text, Dictionary<string, Entry> entries, IReadOnlyList<Diagnostic> unreadable)
    {
        FilePath = path;
        _registry = registry;
        _text = text ?? new ConnectionsText(path, "");
        _entries = entries;
        _unreadable = unreadable;
    }

    public string FilePath { get; }

    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>Each connection's name and type as written (the type may be unknown).</summary>
    public IReadOnlyDictionary<string, string> Types => _entries.ToDictionary(e => e.Key, e => e.Value.Type, StringComparer.Ordinal);

    /// <summary>An empty set (flows that name a connection then get a clear error).</summary>
    public static ConnectionsFile Empty(ConnectorRegistry registry) => new("(no connections file)", registry, null, new(), []);

    /// <summary>Reads and checks the file; every problem found is added to <paramref name="diagnostics"/>.</summary>
    public static ConnectionsFile Load(string path, ConnectorRegistry registry, List<Diagnostic> diagnostics)
    {
        var full = Path.GetFullPath(path);
        ConnectionsFile Unreadable(Diagnostic problem)
        {
            diagnostics.Add(problem);
            return new ConnectionsFile(full, registry, null, new(), [problem]);
        }

        if (Directory.Exists(full))
            return Unreadable(new Diagnostic(full, 1, 1, ConnectionErrors.FileNotFound, "the connections file is a directory; pass --connections FILE"));
        if (!File.Exists(full))
            return Unreadable(new Diagnostic(full, 1, 1, ConnectionErrors.FileNotFound, "connections file not found; pass --connections FILE or create it (see README: connections)"));
        var content = File.ReadAllText(full);
        JToken root;
        try
        {
            root = JToken.Parse(content, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load, CommentHandling = CommentHandling.Ignore });
        }
        catch (JsonReaderException e)
        {
            var (line, column) = FlowText.ReaderErrorPosition(content, e);
            var cut = e.Message.IndexOf(" Path '", StringComparison.Ordinal);
            return Unreadable(new Diagnostic(full, line, column, ConnectionErrors.InvalidJson, $"invalid JSON: {(cut > 0 ? e.Message[..cut] : e.Message)}"));
        }
        if (root is not JObject obj)
            return Unreadable(new Diagnostic(full, 1, 1, ConnectionErrors.NotAnObject, "the connections file must be a JSON object mapping names to connections"));

        var text = new ConnectionsText(full, content);
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var property in obj.Properties())
        {
            if (property.Name.StartsWith('$')) continue; // "$schema", "$comment"
            var problems = new List<Diagnostic>();
            if (property.Value is not JObject json)
            {
                problems.Add(text.Locate(property.Value).Error(ConnectionErrors.NotAnObject,
                    $"connection '{property.Name}' must be an object with a \"type\" (one of: {string.Join(", ", registry.ConnectionTypes)})"));
                entries[property.Name] = new Entry(new JObject(), "", problems);
                continue;
            }
            var type = CheckType(property.Name, json, registry, text, problems);
            if (type is not null) ConnectionChecker.Check(property.Name, json, type.Spec, text, problems);
            entries[property.Name] = new Entry(json, json.Property("type")?.Value.Type == JTokenType.String ? json.Value<string>("type")! : "", problems);
        }
        foreach (var duplicate in DuplicateKeys.Find(content))
        {
            var problem = text.LocateKey(duplicate.Line, duplicate.Position).Error(ConnectionErrors.DuplicateKey,
                duplicate.Name == duplicate.TopLevelKey
                    ? $"connection '{duplicate.Name}' is defined twice; the names in a connections file must be unique"
                    : $"connection '{duplicate.TopLevelKey}' gives \"{duplicate.Name}\" twice; keep one");
            if (entries.TryGetValue(duplicate.TopLevelKey, out var entry)) entry.Problems.Add(problem);
            else diagnostics.Add(problem);
        }
        foreach (var entry in entries.Values) diagnostics.AddRange(entry.Problems);
        return new ConnectionsFile(full, registry, text, entries, []);
    }

    /// <summary>
    /// The client of the connection named <paramref name="name"/>, checked to be of <paramref name="expectedType"/>;
    /// null after adding the problems to <paramref name="diagnostics"/>. A name the file lacks, or of another type, is
    /// the step's mistake (reported at <paramref name="usedAt"/>); anything wrong inside the entry is reported at the
    /// connections file, the same diagnostics for every step that uses it, so a list of them holds each once.
    /// </summary>
    public object? Get(string name, string expectedType, SourceLocation usedAt, List<Diagnostic> diagnostics)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            if (_unreadable.Count > 0)
            {
                AddOnce(diagnostics, _unreadable); // the file itself is the problem: say that, not "unknown connection"
                return null;
            }
            var known = _entries.Count == 0 ? "none are defined" : "known: " + string.Join(", ", _entries.Keys);
            diagnostics.Add(usedAt.Error(ConnectionErrors.UnknownConnection,
                $"unknown connection '{name}' ({known} in {FilePath}){NameSuggestion.Hint(name, _entries.Keys)}"));
            return null;
        }
        if (entry.Type != expectedType && _registry.TryGetConnectionType(entry.Type, out _))
        {
            diagnostics.Add(usedAt.Error(ConnectionErrors.WrongConnectionType,
                $"connection '{name}' is of type '{entry.Type}', but this step needs a '{expectedType}' connection"));
            return null;
        }
        if (entry.Problems.Count > 0)
        {
            AddOnce(diagnostics, entry.Problems);
            return null;
        }
        lock (_gate)
        {
            if (entry.Creation is null)
            {
                _registry.TryGetConnectionType(entry.Type, out var type);
                var problems = new List<Diagnostic>();
                var settings = new ConnectionSettings(name, type.Spec, entry.Json, _text, Path.GetDirectoryName(FilePath)!, problems);
                var client = type.Create(settings);
                if (problems.Count == 0 && client is null)
                    throw new InvalidOperationException($"connection type {type.Spec.Type} built nothing for '{name}' and reported no problem");
                entry.Creation = problems.Count > 0 ? new Creation(null, problems) : new Creation(client, []);
            }
        }
        AddOnce(diagnostics, entry.Creation.Problems);
        return entry.Creation.Client;
    }

    private static ConnectionType? CheckType(string name, JObject json, ConnectorRegistry registry, ConnectionsText text, List<Diagnostic> problems)
    {
        var known = string.Join(", ", registry.ConnectionTypes);
        if (json.Property("type")?.Value is not { } token)
        {
            problems.Add(text.Locate(json).Error(ConnectionErrors.MissingType, $"connection '{name}' needs a \"type\": one of {known}"));
            return null;
        }
        if (token.Type != JTokenType.String)
        {
            problems.Add(text.Locate(token).Error(ConnectionErrors.WrongJsonType, $"connection '{name}': \"type\" must be text, one of {known}"));
            return null;
        }
        var type = token.Value<string>()!;
        if (registry.TryGetConnectionType(type, out var connectionType)) return connectionType;
        problems.Add(text.Locate(token).Error(ConnectionErrors.UnknownType,
            $"connection '{name}' has unknown type '{type}'{NameSuggestion.Hint(type, registry.ConnectionTypes)}; known types: {known}"));
        return null;
    }

    private static void AddOnce(List<Diagnostic> diagnostics, IEnumerable<Diagnostic> problems)
    {
        foreach (var problem in problems)
            if (!diagnostics.Contains(problem)) diagnostics.Add(problem);
    }

    private sealed class Entry(JObject json, string type, List<Diagnostic> problems)
    {
        public JObject Json { get; } = json;
        public string Type { get; } = type;

        /// <summary>What is wrong with the entry as written; found when the file loads.</summary>
        public List<Diagnostic> Problems { get; } = problems;

        /// <summary>Set on first use, then shared by every step that names the connection.</summary>
        public Creation? Creation { get; set; }
    }

    private sealed record Creation(object? Client, IReadOnlyList<Diagnostic> Problems);
}
