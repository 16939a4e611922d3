using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Schema;

namespace RulesEngine.Cli.Commands;

internal static class SchemaCommand
{
    public const string Help = """
        Usage: rulesengine schema [--out FILE] [--connections FILE]

        Prints the JSON Schema (draft-07) of flow files, generated from the step and source types this program
        contains: their fields, which are required, allowed values, descriptions and examples. Editors that read
        "$schema" (VS Code, Rider, Visual Studio) then complete and check flows as you type.
        The repository ships it as schema/flow.schema.json; the tests fail when that file is out of date.

        Options:
          --out FILE           write the schema to FILE instead of printing it
          --connections FILE   also offer the connection names of this connections file in "connection" settings
                               (for a local copy: the shipped schema takes any name)

        Examples:
          rulesengine schema --out schema/flow.schema.json
          rulesengine schema --connections connections.json --out .vscode/flow.schema.json
        """;

    /// <summary>The command that regenerates the committed schema (printed when it is out of date).</summary>
    public const string RegenerateCommand = "dotnet run --project src/RulesEngine.Cli -- schema --out schema/flow.schema.json";

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("out", "connections");
        if (args.Positionals.Count > 0) throw new UsageException($"unexpected argument '{args.Positionals[0]}'");
        var connections = args.Get("connections") is { } path ? ReadConnectionTypes(path) : null;
        var text = FlowSchemaGenerator.Serialize(new FlowSchemaGenerator(Composition.Registry()).Generate(connections));
        if (args.Get("out") is not { } output)
        {
            console.Writer.Write(text);
            return 0;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(output));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(output, text, cancellationToken);
        console.Out($"wrote {output}");
        return 0;
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
