using System.CommandLine;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli.Commands;

internal static class SampleCommand
{
    private static readonly Argument<string> Flow = CommonOptions.FlowFile();

    private static readonly Option<int?> Row = CommonOptions.Number("--row", "N", "the sheet row number to read (default: the last row)");

    private static readonly Option<bool> JsonOutput = CommonOptions.Flag("--json", "print the row and its names as JSON");

    public static VerbCommand Create() => new("sample", "print one real row of the source and the names conditions use for its fields")
    {
        Details = """
            Reads one real item from the flow's source (row N of the sheet, or the last row) and prints its fields with
            the names conditions and templates use for them: a column declared in the source's "columns" is a C#
            identifier (spaces and punctuation become '_', "First name" -> First_name) and a {placeholder}; any column
            is Row["Name"]. Nothing is sent, nothing is recorded and the new-rows position does not move.
            """,
        Examples = ["rulesengine sample rules/helpcrunch-contacts.json", "rulesengine sample rules/helpcrunch-contacts.json --row 5 --json"],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "with a row",
            [ExitCode.Failed] = "when the flow does not load",
            [ExitCode.Unavailable] = "when the source cannot be read or has no such row",
        },
        Handler = RunAsync,
        Arguments = { Flow },
        Options = { Row, CommonOptions.Connections, JsonOutput },
    };

    private const string RowMembers = "Row.Number, Row[\"Column\"], Row.Has(\"Column\")";
    private const string RunMembers = "Run.Flow, Run.Id, Run.StartedAt, Run.Link";
    private const string StepMembers = ".Succeeded, .Failed, .Ran, .Result, .Error, [\"output\"]";

    /// <summary>How one field is reached from a condition and from a template.</summary>
    private sealed record Variable(string Field, string Identifier, string Condition, string Template, string Value);

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var flow = FlowSession.LoadOne(parse.GetRequiredValue(Flow), CommonOptions.ConnectionsPath(parse), console);
        if (flow is null) return ExitCode.Failed;
        var row = parse.GetValue(Row);
        // Reading a sample never moves a position, and nothing here touches the state store.
        var item = await FlowSession.ReadSampleAsync(flow, row, "the source has no rows yet", console, cancellationToken);
        if (item is null) return ExitCode.Unavailable;
        var steps = flow.AllSteps().Select(s => s.Id).ToList();
        var variables = Variables(item, flow.Source.DeclaredFields, steps);
        if (parse.GetValue(JsonOutput)) console.Json(Json(flow, item, variables, steps));
        else Print(flow, item, variables, steps, console);
        return ExitCode.Ok;
    }

    private static List<Variable> Variables(SourceItem item, IReadOnlyList<string>? declared, IReadOnlyList<string> steps) =>
        item.Fields.Select(field =>
        {
            var identifier = ExpressionContext.IdentifierFor(field.Key);
            var bare = identifier.TrimStart('@');
            var isDeclared = declared?.Contains(field.Key) == true;
            // Same precedence as the expression compiler: Row and Run, then step ids, then fields.
            var usable = isDeclared && bare is not ("Row" or "Run") && !steps.Contains(bare);
            var indexer = $"Row[{SymbolDisplay.FormatLiteral(field.Key, quote: true)}]";
            return new Variable(field.Key, identifier, usable ? identifier : indexer, isDeclared ? "{" + field.Key + "}" : "{" + indexer + "}", field.Value);
        }).ToList();

    private static void Print(Flow flow, SourceItem item, List<Variable> variables, List<string> steps, Console console)
    {
        console.Out($"row {item.Number} of {flow.SourceType} for flow '{flow.Name}' (test data: nothing is sent or recorded, the position does not move)");
        console.Out("");
        string[] header = ["field", "in conditions", "in templates", "value"];
        var rows = variables.Select(v => new[] { v.Field, v.Condition, v.Template, Quote(v.Value) }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, 3).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var r in rows)
            console.Out($"  {r[0].PadRight(widths[0])}  {r[1].PadRight(widths[1])}  {r[2].PadRight(widths[2])}  {r[3]}");
        console.Out("");
        if (flow.Source.DeclaredFields is null)
            console.Out("  the source declares no \"columns\": list them there to use columns as names (Email instead of Row[\"Email\"])");
        console.Out($"  the row: {RowMembers}   (Row.Number = {item.Number})");
        console.Out($"  the run: {RunMembers}");
        if (steps.Count > 0)
            console.Out($"  steps, after they ran: {string.Join(", ", steps)} ({StepMembers})");
    }

    private static JObject Json(Flow flow, SourceItem item, List<Variable> variables, List<string> steps) => new()
    {
        ["flow"] = flow.Name,
        ["sourceType"] = flow.SourceType,
        ["row"] = item.Number,
        ["fields"] = new JObject(item.Fields.Select(f => new JProperty(f.Key, f.Value))),
        ["variables"] = new JArray(variables.Select(v => new JObject
        {
            ["field"] = v.Field,
            ["identifier"] = v.Identifier,
            ["condition"] = v.Condition,
            ["template"] = v.Template,
            ["value"] = v.Value,
        })),
        ["declaredFields"] = flow.Source.DeclaredFields is { } declared ? new JArray(declared) : JValue.CreateNull(),
        ["steps"] = new JArray(steps),
    };

    private static string Quote(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
