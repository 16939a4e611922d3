using System.CommandLine;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Schema;

namespace RulesEngine.Cli.Commands;

internal static class SchemaCommand
{
    // "--kind" rather than reusing "--connections": that flag already names a connections FILE whose names the
    // flow schema offers, and scripts pass it; a separate switch keeps both meanings unambiguous.
    private static readonly Option<string> Kind = CommonOptions.Value("--kind", "KIND", "flow (default) or connections: which file's schema to print");

    private static readonly Option<string> Out = CommonOptions.Value("--out", "FILE", "write the schema to FILE instead of printing it");

    private static readonly Option<string> Connections = CommonOptions.Value("--connections", "FILE",
        "flow schema only: also offer the connection names of this connections file in \"connection\" settings (for a local copy: the shipped schema takes any name)");

    public static VerbCommand Create() => new("schema", "print the JSON Schema of flow files (editors complete and check flows with it)")
    {
        Details = """
            Prints the JSON Schema (draft-07) of flow files, generated from the step and source types this program
            contains: their fields, which are required, allowed values, descriptions and examples. Editors that read
            "$schema" (VS Code, Rider, Visual Studio) then complete and check flows as you type.
            The repository ships it as schema/flow.schema.json; the tests fail when that file is out of date.
            With --kind connections it prints the schema of connections files instead, generated from the connection
            types' specs (settings, kinds, ranges, defaults, secrets); the repository ships it as
            schema/connections.schema.json, and connections.json points at it with "$schema".
            """,
        Examples =
        [
            "rulesengine schema --out schema/flow.schema.json",
            "rulesengine schema --kind connections --out schema/connections.schema.json",
            "rulesengine schema --connections connections.json --out .vscode/flow.schema.json",
        ],
        ExitCodes = new Dictionary<ExitCode, string> { [ExitCode.Ok] = "printed or written" },
        Handler = RunAsync,
        Options = { Kind, Out, Connections },
    };

    /// <summary>The command that regenerates the committed schema (printed when it is out of date).</summary>
    public const string RegenerateCommand = "dotnet run --project src/RulesEngine.Cli -- schema --out schema/flow.schema.json";

    /// <summary>The command that regenerates the committed connections schema.</summary>
    public const string RegenerateConnectionsCommand = "dotnet run --project src/RulesEngine.Cli -- schema --kind connections --out schema/connections.schema.json";

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var kind = parse.GetValue(Kind) ?? "flow";
        if (kind is not ("flow" or "connections")) throw new UsageException($"--kind must be flow or connections, not '{kind}'");
        if (kind == "connections" && parse.GetValue(Connections) is not null)
            throw new UsageException("--connections FILE adds connection names to the flow schema; it does not apply to --kind connections");
        var registry = Composition.Registry();
        var connections = parse.GetValue(Connections) is { } path ? ReadConnectionTypes(path) : null;
        var schema = kind == "connections"
            ? new ConnectionsSchemaGenerator(registry).Generate()
            : new FlowSchemaGenerator(registry).Generate(connections);
        var text = FlowSchemaGenerator.Serialize(schema);
        if (parse.GetValue(Out) is not { } output)
        {
            console.Writer.Write(text);
            return ExitCode.Ok;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(output, text, cancellationToken);
        console.Out($"wrote {output}");
        return ExitCode.Ok;
    }

    /// <summary>Connection names and their types; only the names are read, never a secret.</summary>
    private static Dictionary<string, string> ReadConnectionTypes(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"connections file '{path}' not found");
        JToken root;
        try
        {
            root = JToken.Parse(File.ReadAllText(path));
        }
        catch (JsonReaderException e)
        {
            throw new UsageException($"connections file '{path}' is not valid JSON: {e.Message}");
        }
        if (root is not JObject entries) throw new UsageException($"connections file '{path}' must be a JSON object mapping names to connections");
        return entries.Properties()
            .Where(p => !p.Name.StartsWith('$') && p.Value is JObject)
            .ToDictionary(p => p.Name, p => p.Value["type"]?.ToString() ?? "", StringComparer.Ordinal);
    }
}
