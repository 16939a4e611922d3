using Newtonsoft.Json.Linq;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;

namespace RulesEngine.Sdk;

/// <summary>
/// One entry of the connections file as its connector reads it, through its <see cref="ConnectionSpec"/>. By the time
/// a connector sees it, the entry has passed <see cref="ConnectionChecker"/> (keys, JSON types, ranges, the form of
/// references), so the readers here only resolve <c>${env:NAME}</c> / <c>${file:path}</c> and apply defaults. Problems
/// found while resolving, and the connector's own checks (<see cref="Invalid"/>), are reported at the value's place in
/// the connections file; secret values never appear in them.
/// </summary>
public sealed class ConnectionSettings
{
    private readonly JObject _json;
    private readonly ConnectionsText _text;
    private readonly string _baseDirectory;
    private readonly List<Diagnostic> _problems;

    internal ConnectionSettings(string name, ConnectionSpec spec, JObject json, ConnectionsText text, string baseDirectory, List<Diagnostic> problems)
    {
        Name = name;
        Spec = spec;
        _json = json;
        _text = text;
        _baseDirectory = baseDirectory;
        _problems = problems;
    }

    /// <summary>The connection's name in the connections file (what a step's <c>connection</c> names).</summary>
    public string Name { get; }

    /// <summary>The spec of the connection's type.</summary>
    public ConnectionSpec Spec { get; }

    /// <summary>The connection type (<see cref="ConnectionSpec.Type"/>).</summary>
    public string Type => Spec.Type;

    /// <summary>The connections file's path, for messages.</summary>
    public string File => _text.Path;

    /// <summary>True once any problem was reported; the connections file then discards what the connector builds.</summary>
    public bool HasErrors => _problems.Count > 0;

    /// <summary>True when the connection writes the setting (a declared key; an undeclared one is a bug in the connector).</summary>
    public bool Has(string key)
    {
        FieldOf(key);
        return _json.Property(key) is not null;
    }

    /// <summary>A text setting, resolved; its default (or null) when absent.</summary>
    public string? Text(string key) => Resolve(FieldOf(key, SettingKind.Text));

    /// <summary>A secret, resolved and registered with <see cref="SecretRedactor"/>; null when an optional secret is absent.</summary>
    public string? Secret(string key) => Resolve(FieldOf(key, SettingKind.Secret));

    /// <summary>An absolute http(s) URL, exactly as written (after resolving references), or the default.</summary>
    public string Url(string key) => Resolve(FieldOf(key, SettingKind.Url)) ?? "";

    /// <summary>One of the field's allowed words, in its canonical spelling.</summary>
    public string Choice(string key)
    {
        var field = FieldOf(key, SettingKind.Choice);
        var value = Resolve(field) ?? "";
        return field.AllowedValues.FirstOrDefault(v => v.Equals(value, StringComparison.OrdinalIgnoreCase)) ?? value;
    }

    /// <summary>
    /// A file's full path (relative to the connections file), checked to be a regular file no larger than
    /// <see cref="BoundedFile.MaxBytes"/>; null when the setting is absent or the file is unusable (reported).
    /// </summary>
    public string? FilePath(string key)
    {
        var field = FieldOf(key, SettingKind.File);
        var value = Resolve(field);
        if (string.IsNullOrEmpty(value)) return null;
        var path = Path.GetFullPath(value, _baseDirectory);
        if (BoundedFile.Check(path, out var missing) is { } problem)
        {
            Report(key, missing ? ConnectionErrors.SecretFileNotFound : ConnectionErrors.UnreadableSecretFile,
                $"\"{key}\": {problem} ({field.Description}; a relative path is relative to the connections file)");
            return null;
        }
        return path;
    }

    /// <summary>A whole number, checked against the field's range; its default when absent.</summary>
    public int Integer(string key) => (int)Numeric(FieldOf(key, SettingKind.Integer))!.Value;

    /// <summary>A whole number without a default: null when absent.</summary>
    public int? OptionalInteger(string key) => Numeric(FieldOf(key, SettingKind.Integer)) is { } value ? (int)value : null;

    /// <summary>A number, checked against the field's range; its default when absent.</summary>
    public double Number(string key) => Numeric(FieldOf(key, SettingKind.Number))!.Value;

    /// <summary>A duration written in seconds, checked against the field's range; its default when absent.</summary>
    public TimeSpan Duration(string key) => TimeSpan.FromSeconds(Numeric(FieldOf(key, SettingKind.Duration))!.Value);

    /// <summary>A connector's own judgement of a value (a malformed token, an unusable key file): reported at the value
    /// with the one code for such problems. Never put a secret's value in <paramref name="message"/>.</summary>
    public void Invalid(string key, string message) => Report(key, ConnectionErrors.InvalidValue, message);

    private void Report(string key, string code, string message)
    {
        var token = _json.Property(key)?.Value ?? (JToken)_json;
        _problems.Add(_text.Locate(token).Error(code, $"connection '{Name}': {message}"));
    }

    private double? Numeric(ConnectionField field) =>
        _json.Property(field.Name)?.Value is { Type: JTokenType.Integer or JTokenType.Float } token
            ? ConnectionChecker.ToDouble(token)
            : field.Default is { } value ? Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private string? Resolve(ConnectionField field)
    {
        if (_json.Property(field.Name)?.Value is not { Type: JTokenType.String } token) return field.Default as string;
        var raw = token.Value<string>()!;
        if (!SecretReference.TryParse(raw, out var parts, out _, out _)) return null; // reported when the file loaded
        var reported = _problems.Count;
        var pieces = parts.Select(part => part.Kind switch
        {
            null => part.Text,
            SecretReference.Environment => Environment(field, part.Text),
            _ => SecretFile(field, part.Text),
        }).ToList();
        if (_problems.Count > reported) return null;
        var value = string.Concat(pieces);
        if (field.IsSecret)
        {
            // The whole value and each resolved part (a token may be printed apart from its "Bearer " prefix), but not
            // the literal text around references, which is no secret and could mask ordinary words.
            SecretRedactor.Register(value);
            for (var i = 0; i < parts.Count; i++)
                if (parts[i].Kind is not null) SecretRedactor.Register(pieces[i]);
        }
        // An empty credential, URL or path is never meant, even where the setting itself is optional.
        if (value.Length == 0 && (field.Required || field.Kind is SettingKind.Secret or SettingKind.Url or SettingKind.File))
        {
            Report(field.Name, ConnectionErrors.MissingSetting, $"\"{field.Name}\" is empty: {field.Description}");
            return null;
        }
        if (parts.Any(p => p.Kind is not null))
            ConnectionChecker.CheckText(field, value, (code, message) => Report(field.Name, code,
                $"\"{field.Name}\" {(field.IsSecret ? "(resolved from a reference) is not valid" : message)}"));
        return _problems.Count > reported ? null : value;
    }

    private string Environment(ConnectionField field, string variable)
    {
        var value = System.Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value)) return value;
        Report(field.Name, ConnectionErrors.EnvironmentVariableNotSet,
            $"environment variable {variable} (for \"{field.Name}\") is not set; export it or change the connections file");
        return "";
    }

    private string SecretFile(ConnectionField field, string relativePath)
    {
        var path = Path.GetFullPath(relativePath, _baseDirectory);
        var text = BoundedFile.Read(path, out var error, out var missing);
        if (text is not null) return text.Trim();
        Report(field.Name, missing ? ConnectionErrors.SecretFileNotFound : ConnectionErrors.UnreadableSecretFile,
            $"\"{field.Name}\": file {error}");
        return "";
    }

    private ConnectionField FieldOf(string key, SettingKind? kind = null)
    {
        var field = Spec.Field(key) ?? throw new InvalidOperationException($"connection type {Type} reads \"{key}\" but its spec does not declare it");
        if (kind is { } expected && field.Kind != expected)
            throw new InvalidOperationException($"connection type {Type} reads \"{key}\" as {expected}, but its spec declares {field.Kind}");
        return field;
    }
}
