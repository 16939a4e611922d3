using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Sdk;

/// <summary>
/// A step's settings as its step type reads them while the flow loads. Every accessor checks the value against
/// the step's <see cref="StepSpec"/> and reports problems at the value's place in the file instead of throwing,
/// so one load reports everything wrong with a flow. Templates and conditions are registered with the flow set's
/// single compilation and become usable once it has compiled.
/// </summary>
public sealed class StepConfig
{
    private readonly JObject _json;
    private readonly FlowText _text;
    private readonly ExpressionCompiler _compiler;
    private readonly ExpressionContext _context;
    private readonly ConnectionsFile _connections;
    private readonly List<Diagnostic> _diagnostics;
    private readonly bool _secretsRequired;

    internal StepConfig(string id, StepSpec spec, JObject json, FlowText text, ExpressionCompiler compiler,
        ExpressionContext context, ConnectionsFile connections, List<Diagnostic> diagnostics, bool secretsRequired = true)
    {
        _secretsRequired = secretsRequired;
        Id = id;
        Spec = spec;
        _json = json;
        _text = text;
        _compiler = compiler;
        _context = context;
        _connections = connections;
        _diagnostics = diagnostics;
    }

    /// <summary>The step's id in the flow.</summary>
    public string Id { get; }

    /// <summary>The spec of the step's type.</summary>
    public StepSpec Spec { get; }

    /// <summary>The flow file's path, for messages.</summary>
    public string FlowFile => _text.Path;

    /// <summary>The item field names read with <see cref="FieldNames"/> (a source's declared columns), kept by the
    /// loader even when the source cannot be set up, so expressions still know the columns and a missing secret or a
    /// typo in the source does not turn every column in every condition into "name does not exist".</summary>
    public IReadOnlyList<string>? DeclaredFields { get; private set; }

    /// <summary>The setting <see cref="DeclaredFields"/> came from, for reporting problems with the columns there.</summary>
    internal string? DeclaredFieldsSetting { get; private set; }

    /// <summary>Where a setting is written (or the step itself, when the setting is absent).</summary>
    internal SourceLocation At(string field) => _text.Locate(_json[field] ?? (JToken)_json);

    /// <summary>Where one entry of a list setting is written (or the setting, when there is no such entry).</summary>
    internal SourceLocation At(string field, int index) =>
        _json[field] is JArray list && index >= 0 && index < list.Count ? _text.Locate(list[index]) : At(field);

    /// <summary>Reports a load error at the setting (or at the step when the setting is absent); return null from the step's <c>Create</c> afterwards.</summary>
    public void Error(string field, string code, string message) => _diagnostics.Add(At(field).Error(code, message));

    /// <summary>Reports a problem at a precise place, e.g. one leaf of a mapping (<see cref="CompiledTemplate.Location"/>).</summary>
    internal void Error(SourceLocation at, string code, string message) => _diagnostics.Add(at.Error(code, message));

    /// <summary>Reports a problem with one entry of the mapping in <paramref name="field"/>, at the entry's value as
    /// written (<paramref name="key"/> is its path inside the mapping, e.g. <c>customData.plan</c>), or at the
    /// setting when that entry is not text.</summary>
    public void Error(string field, TemplateMap mapping, string key, string code, string message) =>
        Error(mapping.Templates.TryGetValue(key, out var template) ? template.Location : At(field), code, message);

    /// <summary>True when the step writes the setting (not null).</summary>
    public bool Has(string field) => _json[field] is { Type: not JTokenType.Null };

    /// <summary>A literal text setting. Checked against the spec's allowed values.</summary>
    public string? Text(string field)
    {
        var spec = FieldOf(field);
        var token = Present(field, spec);
        if (token is null) return spec.Example is null ? null : null;
        if (token.Type is not (JTokenType.String or JTokenType.Integer or JTokenType.Float or JTokenType.Boolean))
        {
            Error(field, "RE0201", $"\"{field}\" must be text, not {Describe(token)}");
            return null;
        }
        var value = token.ToString();
        if (spec.AllowedValues is { } allowed && !allowed.Contains(value))
        {
            Error(field, "RE0202", $"\"{field}\" is '{value}'; it must be one of: {string.Join(", ", allowed)}");
            return null;
        }
        return value;
    }

    /// <summary>A list of literal strings; null when absent or wrong (reported).</summary>
    public IReadOnlyList<string>? TextList(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token is not JArray array || array.Any(t => t.Type != JTokenType.String))
        {
            Error(field, "RE0201", $"\"{field}\" must be a list of strings");
            return null;
        }
        return array.Select(t => t.ToString()).ToList();
    }

    /// <summary>A list of the names of the item's fields (a source's "columns"): read like <see cref="TextList"/> and
    /// remembered as <see cref="DeclaredFields"/>.</summary>
    public IReadOnlyList<string>? FieldNames(string field)
    {
        var names = TextList(field);
        if (names is not null)
        {
            DeclaredFields = names;
            DeclaredFieldsSetting = field;
        }
        return names;
    }

    /// <summary>A number; null when absent or not a number (reported).</summary>
    public double? Number(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token.Type is not (JTokenType.Integer or JTokenType.Float))
        {
            Error(field, "RE0201", $"\"{field}\" must be a number, not {Describe(token)}");
            return null;
        }
        return token.Value<double>();
    }

    /// <summary>true or false; null when absent or not a boolean (reported).</summary>
    public bool? Boolean(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token.Type != JTokenType.Boolean)
        {
            Error(field, "RE0201", $"\"{field}\" must be true or false, not {Describe(token)}");
            return null;
        }
        return token.Value<bool>();
    }

    /// <summary>A text with <c>{placeholders}</c>, compiled with the flow set.</summary>
    public CompiledTemplate? Template(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token.Type is JTokenType.Integer or JTokenType.Float or JTokenType.Boolean)
            return _compiler.AddTemplate(token.ToString(), _context, _text.Locate(token));
        if (token.Type != JTokenType.String)
        {
            Error(field, "RE0201", $"\"{field}\" must be text, not {Describe(token)}");
            return null;
        }
        return _compiler.AddTemplate(token.ToString(), _context, _text.Locate(token));
    }

    /// <summary>A C# condition, compiled with the flow set.</summary>
    internal CompiledCondition? Condition(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token.Type != JTokenType.String || string.IsNullOrWhiteSpace(token.ToString()))
        {
            Error(field, "RE0201", $"\"{field}\" must be a C# condition in a string, e.g. \"update.Failed\"");
            return null;
        }
        return _compiler.AddCondition(token.ToString(), _context, _text.Locate(token));
    }

    /// <summary>An object whose string leaves are templates.</summary>
    public TemplateMap? Mapping(string field)
    {
        var token = Present(field, FieldOf(field));
        if (token is null) return null;
        if (token is not JObject)
        {
            Error(field, "RE0201", $"\"{field}\" must be an object mapping names to values");
            return null;
        }
        // Templates are keyed by their path inside a copy of the mapping (the same paths Render sees on its own
        // copies), found by walking the copy and the original in step: keys with spaces or dots make paths like
        // values['Source row'], which cannot be cut out of the original's path.
        var shape = token.DeepClone();
        var originals = StringLeaves(token);
        var copies = StringLeaves(shape);
        var templates = new Dictionary<string, CompiledTemplate>(StringComparer.Ordinal);
        for (var i = 0; i < originals.Count; i++)
            templates[copies[i].Path] = _compiler.AddTemplate(originals[i].ToString(), _context, _text.Locate(originals[i]));
        return new TemplateMap(shape, templates);
    }

    /// <summary>The connection named by the step's <c>connection</c> setting, of the type the spec declares.</summary>
    public T? Connection<T>() where T : class
    {
        var type = Spec.ConnectionType ?? throw new InvalidOperationException($"{Spec.Type} declares no connection type");
        var token = _json["connection"];
        if (token is null || token.Type != JTokenType.String)
        {
            _diagnostics.Add(_text.Locate(_json).Error("RE0205", $"step '{Id}' ({Spec.Type}) needs \"connection\": the name of a '{type}' connection in the connections file"));
            return null;
        }
        var problems = new List<Diagnostic>();
        var connection = _connections.Get(token.ToString(), type, _text.Locate(token), problems) as T;
        // A connector that checks a setting whose secret did not resolve sees an empty value and says so too ("key
        // file '' does not exist"): one error naming the secret is the whole story.
        var missing = problems.Where(IsMissingSecret).ToList();
        problems.RemoveAll(p => !IsMissingSecret(p) && missing.Any(m => m.File == p.File && m.Line == p.Line && m.Column == p.Column));
        if (!_secretsRequired && problems.Count > 0 && problems.All(IsMissingSecret))
        {
            // A CI that lints flows has no production secrets: the flow is still checked in full, and the one
            // thing it cannot check is said once, as a warning naming the connection and the variable.
            _diagnostics.AddRange(problems.Select(p => p.AsWarning()));
            return null;
        }
        _diagnostics.AddRange(problems);
        return connection;
    }

    /// <summary>The codes the connections file reports for a secret reference that does not resolve: an unset
    /// <c>${env:NAME}</c> (RE0302) or a missing <c>${file:path}</c> (RE0303).</summary>
    private static readonly HashSet<string> MissingSecretCodes = new(StringComparer.Ordinal) { ConnectionErrors.EnvironmentVariableNotSet, ConnectionErrors.SecretFileNotFound };

    internal static bool IsMissingSecret(Diagnostic diagnostic) => MissingSecretCodes.Contains(diagnostic.Code);

    private static List<JValue> StringLeaves(JToken root) =>
        root.SelectTokens("..*").OfType<JValue>().Where(v => v.Type == JTokenType.String).ToList();

    private FieldSpec FieldOf(string field) =>
        Spec.Field(field) ?? throw new InvalidOperationException($"{Spec.Type} reads \"{field}\" but its spec does not declare it");

    private JToken? Present(string field, FieldSpec spec)
    {
        var token = _json[field];
        if (token is null || token.Type == JTokenType.Null)
        {
            if (spec.Required)
                _diagnostics.Add(_text.Locate(_json).Error("RE0203", $"step '{Id}' ({Spec.Type}) needs \"{field}\": {spec.Description}"));
            return null;
        }
        return token;
    }

    private static string Describe(JToken token) => token.Type.ToString().ToLowerInvariant();
}
