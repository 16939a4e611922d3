using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Connections;

/// <summary>
/// One named entry of the connections file, as its connector reads it. Secret values are written as
/// <c>${env:NAME}</c> or <c>${file:path}</c> and resolved here; a missing one is a <see cref="Diagnostic"/>
/// naming the connection and the variable, never a silent empty string.
/// </summary>
public sealed partial class ConnectionSettings
{
    private readonly JObject _json;
    private readonly string _baseDirectory;
    private readonly List<Diagnostic> _diagnostics;

    private readonly FlowText _text;

    internal ConnectionSettings(string name, string type, JObject json, FlowText text, string baseDirectory, List<Diagnostic> diagnostics)
    {
        Name = name;
        Type = type;
        File = text.Path;
        _text = text;
        _json = json;
        _baseDirectory = baseDirectory;
        _diagnostics = diagnostics;
    }

    public string Name { get; }
    public string Type { get; }
    public string File { get; }

    /// <summary>A plain (non-secret) setting, or <paramref name="defaultValue"/> when absent.</summary>
    public string? Optional(string key, string? defaultValue = null)
    {
        var token = _json[key];
        if (token is null || token.Type == JTokenType.Null) return defaultValue;
        // Numbers are read back in the invariant culture: "0.5" must not become "0,5" on a comma-decimal machine.
        var raw = token is JValue { Value: IFormattable formattable } ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : token.ToString();
        return Resolve(key, raw);
    }

    /// <summary>A setting that must be present; reports an error and returns "" when it is not.</summary>
    public string Required(string key, string hint)
    {
        var reported = _diagnostics.Count;
        var value = Optional(key);
        if (string.IsNullOrEmpty(value))
        {
            // An unset ${env:...} was already reported, naming the variable: one error is enough.
            if (_diagnostics.Count == reported) Error(key, "RE0301", $"connection '{Name}' needs \"{key}\": {hint}");
            return "";
        }
        return value;
    }

    /// <summary>A secret: resolved like any setting, then registered so it never appears in output.</summary>
    public string Secret(string key, string hint)
    {
        var value = Required(key, hint);
        SecretRedactor.Register(value);
        return value;
    }

    public bool Has(string key) => _json[key] is { Type: not JTokenType.Null };

    /// <summary>A path setting, relative to the connections file.</summary>
    public string? OptionalPath(string key)
    {
        var value = Optional(key);
        return string.IsNullOrEmpty(value) ? value : Path.GetFullPath(value, _baseDirectory);
    }

    public void Error(string key, string code, string message)
    {
        _diagnostics.Add(_text.Locate(_json[key] ?? _json).Error(code, message));
    }

    private string Resolve(string key, string raw) =>
        Reference().Replace(raw, m =>
        {
            var kind = m.Groups["kind"].Value;
            var what = m.Groups["what"].Value;
            if (kind == "env")
            {
                var value = Environment.GetEnvironmentVariable(what);
                if (string.IsNullOrEmpty(value))
                {
                    Error(key, "RE0302", $"connection '{Name}': environment variable {what} (for \"{key}\") is not set; export it or change the connections file");
                    return "";
                }
                return value;
            }
            var path = Path.GetFullPath(what, _baseDirectory);
            if (!System.IO.File.Exists(path))
            {
                Error(key, "RE0303", $"connection '{Name}': file {path} (for \"{key}\") does not exist");
                return "";
            }
            return System.IO.File.ReadAllText(path).Trim();
        });

    [GeneratedRegex(@"\$\{(?<kind>env|file):(?<what>[^}]+)\}")]
    private static partial Regex Reference();
}
