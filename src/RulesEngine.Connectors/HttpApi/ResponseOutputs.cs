using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// The <c>"outputs"</c> of an <c>http.request</c> step: output names mapped to paths into the JSON answer
/// (<c>"contactId": "data.id"</c>, <c>"first": "items[0].name"</c>), so later steps read <c>{create.contactId}</c>.
/// A path the answer lacks gives "" (a condition can test it); an object or list gives its compact JSON.
/// </summary>
public sealed class ResponseOutputs
{
    /// <summary>The longest value one output keeps; the journal stores outputs, and an answer is untrusted.</summary>
    public const int MaxValueLength = 4_000;

    private ResponseOutputs(IReadOnlyList<(string Name, string Path)> paths) => Paths = paths;

    public IReadOnlyList<(string Name, string Path)> Paths { get; }

    public static ResponseOutputs None { get; } = new([]);

    /// <summary>Reads the mapping as written; every value must be a path (literal text, no placeholders).</summary>
    public static ResponseOutputs? From(JToken shape, Action<string> problem)
    {
        var paths = new List<(string, string)>();
        foreach (var property in ((JObject)shape).Properties())
        {
            if (property.Name == RequestStep.OutputStatus)
                problem($"output \"{property.Name}\" is always set to the HTTP status; pick another name");
            else if (property.Value is not JValue { Type: JTokenType.String } value || value.ToString() is not { Length: > 0 } path)
                problem($"output \"{property.Name}\" must be a path into the JSON answer, such as \"data.id\"");
            else if (path.Contains('{', StringComparison.Ordinal))
                problem($"output \"{property.Name}\": \"{path}\" is a path into the answer, not a template (no {{placeholders}})");
            else if (!IsPath(path))
                problem($"output \"{property.Name}\": \"{path}\" is not a JSON path (write it like data.items[0].id)");
            else
                paths.Add((property.Name, path));
        }
        return paths.Count == ((JObject)shape).Count ? new ResponseOutputs(paths) : null;
    }

    /// <summary>The outputs read from <paramref name="body"/>; null with <paramref name="error"/> when the body is not JSON.</summary>
    public Dictionary<string, string>? Read(string body, out string error)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        error = "";
        if (Paths.Count == 0) return outputs;
        JToken json;
        try
        {
            json = JToken.Parse(body);
        }
        catch (JsonException e)
        {
            error = $"the answer is not JSON ({e.Message.Split('\n')[0]}), so outputs {string.Join(", ", Paths.Select(p => p.Name))} cannot be read";
            return null;
        }
        foreach (var (name, path) in Paths) outputs[name] = Text(json.SelectToken(path));
        return outputs;
    }

    private static string Text(JToken? token)
    {
        var text = token switch
        {
            null or { Type: JTokenType.Null or JTokenType.Undefined } => "",
            JValue { Type: JTokenType.String } value => value.ToString(),
            JValue { Type: JTokenType.Boolean } value => (bool)value! ? "true" : "false",
            JValue value => Convert.ToString(value.Value, CultureInfo.InvariantCulture) ?? "",
            _ => token.ToString(Formatting.None),
        };
        return text.Length <= MaxValueLength ? text : text[..MaxValueLength];
    }

    private static bool IsPath(string path)
    {
        try
        {
            new JObject().SelectToken(path);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
