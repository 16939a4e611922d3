using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Schema;

/// <summary>The JSON Schema of one declared setting: its JSON type by <see cref="FieldKind"/>, allowed values, description and example.</summary>
internal static class FieldSchema
{
    /// <summary>The loader reads literal text and templates from numbers and booleans too (<c>"chatId": -100123</c>).</summary>
    private static JArray Scalar() => new("string", "number", "boolean");

    public static JObject For(FieldSpec field, IReadOnlyDictionary<string, string>? connections, string? connectionType)
    {
        if (field.Name == "connection" && connectionType is not null)
            return Connection(connectionType, field.Description, connections);
        var schema = field.Kind switch
        {
            FieldKind.Text when field.AllowedValues is { Count: > 0 } allowed => new JObject { ["enum"] = new JArray(allowed) },
            FieldKind.Text => new JObject { ["type"] = Scalar() },
            FieldKind.Template => new JObject { ["type"] = Scalar() },
            FieldKind.Condition => new JObject { ["type"] = "string", ["minLength"] = 1 },
            FieldKind.Mapping => new JObject { ["type"] = "object" },
            FieldKind.TextList => new JObject { ["type"] = "array", ["items"] = new JObject { ["type"] = "string" } },
            FieldKind.Number => new JObject { ["type"] = "number" },
            FieldKind.Boolean => new JObject { ["type"] = "boolean" },
            _ => new JObject(),
        };
        schema["description"] = Describe(field);
        if (ExampleValue(field) is { } example) schema["examples"] = new JArray(example);
        return schema;
    }

    public static JObject Connection(string connectionType, string? description, IReadOnlyDictionary<string, string>? connections)
    {
        var schema = new JObject
        {
            ["type"] = "string",
            ["description"] = Describe(new FieldSpec("connection", FieldKind.Text,
                description ?? $"name of a '{connectionType}' connection in the connections file", Required: true)),
        };
        var names = connections?.Where(c => c.Value == connectionType).Select(c => c.Key).Order(StringComparer.Ordinal).ToList() ?? [];
        if (names.Count > 0) schema["enum"] = new JArray(names);
        return schema;
    }

    /// <summary>The spec's example as a JSON value: lists, mappings, numbers and booleans are written as JSON in specs.</summary>
    public static JToken? ExampleValue(FieldSpec field)
    {
        if (field.Example is not { } example) return null;
        if (field.Kind is FieldKind.Text or FieldKind.Template or FieldKind.Condition) return new JValue(example);
        try
        {
            return JToken.Parse(example);
        }
        catch (JsonReaderException)
        {
            return null; // an example that is not JSON is still shown in `list`; the schema leaves it out
        }
    }

    private static string Describe(FieldSpec field)
    {
        var kindHelp = field.Kind switch
        {
            FieldKind.Template => " " + EngineFields.TemplateHelp,
            FieldKind.Condition when !field.Description.Contains(EngineFields.ConditionHelp, StringComparison.Ordinal) => " " + EngineFields.ConditionHelp,
            FieldKind.Mapping => " String values anywhere inside are templates: " + EngineFields.TemplateHelp,
            _ => "",
        };
        var text = field.Description.Length > 0 ? char.ToUpperInvariant(field.Description[0]) + field.Description[1..] : "";
        if (text.Length > 0 && !text.EndsWith('.')) text += ".";
        return (field.Required ? "Required. " : "") + text + kindHelp;
    }
}
