using System.CommandLine;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Schema;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class ListCommand
{
    private static readonly Option<bool> JsonOutput = CommonOptions.Flag("--json", "print the list as JSON, for tools");

    private static readonly Option<bool> Markdown = CommonOptions.Flag("--markdown",
        "print the connection settings and error codes as the Markdown tables of docs/receivers.md");

    public static VerbCommand Create() => new("list", "list the source, step and connection types with their fields")
    {
        Details = """
            Lists the source types, step types and connection types this program contains, with each type's fields:
            kind (text, template, condition, mapping, textList, number, boolean), whether it is required, its allowed
            values, what it does and an example; then each connection type's settings (kind, default, range, secret or
            not); then the fields of a flow file itself. The same specs drive loading, validate and the JSON schemas.
            """,
        Examples = ["rulesengine list", "rulesengine list --json"],
        ExitCodes = new Dictionary<ExitCode, string> { [ExitCode.Ok] = "listed" },
        Handler = RunAsync,
        Options = { JsonOutput, Markdown },
    };

    private static Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var asJson = parse.GetValue(JsonOutput);
        var markdown = parse.GetValue(Markdown);
        if (asJson && markdown) throw new UsageException("give --json or --markdown, not both");
        var registry = Composition.Registry();
        if (markdown)
        {
            console.Writer.Write(ConnectionTables.Markdown(registry));
            return Task.FromResult(ExitCode.Ok);
        }
        var steps = registry.Receivers.Prepend(EngineFields.IfBlock).ToList();
        if (asJson)
        {
            var json = new JObject
            {
                ["sources"] = new JArray(registry.Sources.Select(s => Json(s, EngineFields.SourceFields))),
                ["steps"] = new JArray(steps.Select(s => Json(s, []))),
                ["connectionTypes"] = new JArray(registry.ConnectionTypes),
                ["connections"] = new JArray(registry.Connections.Select(ConnectionJson)),
                ["flowFields"] = new JArray(EngineFields.Root.Select(f => new JObject { ["name"] = f.Name, ["description"] = f.Description })),
            };
            console.Json(json);
            return Task.FromResult(ExitCode.Ok);
        }
        console.Out("Source types (\"source\": {\"type\": ...}):");
        foreach (var spec in registry.Sources) Print(spec, EngineFields.SourceFields, console);
        console.Out("");
        console.Out("Step types (\"steps\": [{\"id\": ..., \"type\": ...}]):");
        foreach (var spec in steps) Print(spec, [], console);
        console.Out("");
        console.Out("Connection types (\"type\" of an entry in the connections file; secrets as ${env:NAME} or ${file:path}):");
        foreach (var spec in registry.Connections) Print(spec, console);
        console.Out("");
        console.Out("Fields of a flow file:");
        var width = EngineFields.Root.Max(f => f.Name.Length);
        foreach (var (name, description) in EngineFields.Root) console.Out($"  {name.PadRight(width)}  {description}");
        return Task.FromResult(ExitCode.Ok);
    }

    /// <summary>The spec's fields, plus what the engine reads without the spec declaring it: the connection, and a
    /// source's existingRows and filter.</summary>
    private static List<FieldSpec> Fields(StepSpec spec, IReadOnlyList<FieldSpec> engineFields)
    {
        var fields = spec.Fields.Concat(engineFields.Where(e => spec.Field(e.Name) is null)).ToList();
        if (spec.ConnectionType is { } type && spec.Field("connection") is null)
            fields.Insert(0, new FieldSpec("connection", FieldKind.Text, $"name of a '{type}' connection in the connections file", Required: true));
        return fields;
    }

    private static void Print(StepSpec spec, IReadOnlyList<FieldSpec> engineFields, Console console)
    {
        console.Out("");
        console.Out($"  {spec.Type}" + (spec.ConnectionType is { } c ? $"  (connection type: {c})" : ""));
        console.Out($"    {spec.Summary}");
        var fields = Fields(spec, engineFields);
        var width = fields.Select(f => f.Name.Length).Append(4).Max();
        foreach (var field in fields)
        {
            var traits = Kind(field.Kind) + (field.Required ? ", required" : "");
            if (field.AllowedValues is { Count: > 0 } allowed) traits += ", one of: " + string.Join(" | ", allowed);
            console.Out($"    {field.Name.PadRight(width)}  {traits}");
            console.Out($"    {"".PadRight(width)}  {field.Description}" + (field.Example is { } e ? $" (e.g. {e.ReplaceLineEndings("\\n")})" : ""));
        }
        if (spec.Type == EngineFields.IfType)
        {
            console.Out($"    {EngineFields.Then.PadRight(width)}  steps, required");
            console.Out($"    {"".PadRight(width)}  {EngineFields.ThenHelp}");
            console.Out($"    {EngineFields.Else.PadRight(width)}  steps");
            console.Out($"    {"".PadRight(width)}  {EngineFields.ElseHelp}");
        }
    }

    private static void Print(ConnectionSpec spec, Console console)
    {
        console.Out("");
        console.Out($"  {spec.Type}");
        console.Out($"    {spec.Summary}");
        var width = spec.Fields.Max(f => f.Name.Length);
        foreach (var field in spec.Fields)
        {
            var traits = field.KindName + (field.Required ? ", required" : "");
            if (field.Minimum is { } min && field.Maximum is { } max) traits += $", {Invariant(min)} to {Invariant(max)}";
            if (field.AllowedValues.Count > 0) traits += ", one of: " + string.Join(" | ", field.AllowedValues);
            if (field.DefaultText is { } value) traits += $", default {value}";
            console.Out($"    {field.Name.PadRight(width)}  {traits}");
            console.Out($"    {"".PadRight(width)}  {field.Description} (e.g. {field.Example})");
        }
        foreach (var group in spec.ExactlyOneOf) console.Out($"    exactly one of: {string.Join(", ", group)}");
        foreach (var group in spec.AllOrNone) console.Out($"    all or none of: {string.Join(", ", group)}");
        console.Out($"    self-test: {spec.SelfTest ?? "none"}");
    }

    private static JObject ConnectionJson(ConnectionSpec spec) => new()
    {
        ["type"] = spec.Type,
        ["summary"] = spec.Summary,
        ["fields"] = new JArray(spec.Fields.Select(f =>
        {
            var field = new JObject
            {
                ["name"] = f.Name,
                ["kind"] = f.KindName,
                ["required"] = f.Required,
                ["secret"] = f.IsSecret,
                ["description"] = f.Description,
                ["example"] = f.Example,
            };
            if (f.Default is { } value) field["default"] = JToken.FromObject(value);
            if (f.Minimum is { } min) field["minimum"] = min;
            if (f.Maximum is { } max) field["maximum"] = max;
            if (f.AllowedValues.Count > 0) field["allowedValues"] = new JArray(f.AllowedValues);
            return field;
        })),
        ["exactlyOneOf"] = new JArray(spec.ExactlyOneOf.Select(g => new JArray(g))),
        ["allOrNone"] = new JArray(spec.AllOrNone.Select(g => new JArray(g))),
        ["selfTest"] = spec.SelfTest,
    };

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JObject Json(StepSpec spec, IReadOnlyList<FieldSpec> engineFields)
    {
        var fields = new JArray(Fields(spec, engineFields).Select(f =>
        {
            var field = new JObject { ["name"] = f.Name, ["kind"] = Kind(f.Kind), ["required"] = f.Required, ["description"] = f.Description };
            if (f.AllowedValues is { Count: > 0 } allowed) field["allowedValues"] = new JArray(allowed);
            if (f.Example is { } example) field["example"] = example;
            return field;
        }));
        if (spec.Type == EngineFields.IfType)
        {
            fields.Add(new JObject { ["name"] = EngineFields.Then, ["kind"] = "steps", ["required"] = true, ["description"] = EngineFields.ThenHelp });
            fields.Add(new JObject { ["name"] = EngineFields.Else, ["kind"] = "steps", ["required"] = false, ["description"] = EngineFields.ElseHelp });
        }
        return new JObject
        {
            ["type"] = spec.Type,
            ["summary"] = spec.Summary,
            ["connectionType"] = spec.ConnectionType,
            ["fields"] = fields,
        };
    }

    private static string Kind(FieldKind kind) => kind == FieldKind.TextList ? "textList" : kind.ToString().ToLowerInvariant();
}
