using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using RulesEngine.Cli.CommandLine;

namespace RulesEngine.Cli.Commands;

internal static partial class InitCommand
{
    private static readonly Argument<string> Name = new("name") { Description = "the new flow's name (and file name)" };

    private static readonly Option<string> Template = CommonOptions.Value("--template", "NAME", "canonical (default) or blank");

    private static readonly Option<string> Dir = CommonOptions.Value("--dir", "FOLDER", "where to write the flow (default: rules)");

    public static VerbCommand Create() => new("init", "write a new flow file from a template (canonical or blank)")
    {
        Details = """
            Writes a new flow file FOLDER/<name>.json from a template, named <name> and pointing at the JSON schema
            (schema/flow.schema.json, found above FOLDER) so editors complete and check it. Never overwrites a file.
              canonical   sheet rows -> update the HelpCrunch contact; if that failed create it; if that failed too,
                          a Telegram alert (the shipped rules/helpcrunch-contacts.json)
              blank       a sheet source and one Telegram message: the smallest flow that does something
            """,
        Examples = ["rulesengine init new-leads", "rulesengine init signups --template blank --dir rules/marketing"],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "created",
            [ExitCode.Failed] = "when the file already exists (it is never overwritten)",
        },
        Handler = RunAsync,
        Arguments = { Name },
        Options = { Template, Dir },
    };

    private const string SchemaPath = "schema/flow.schema.json";

    /// <summary>Template names and their embedded resources (see RulesEngine.Cli.csproj).</summary>
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["canonical"] = "helpcrunch-contacts.json",
        ["blank"] = "Templates.blank.json",
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var name = parse.GetRequiredValue(Name);
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) name = name[..^5];
        if (!FlowName().IsMatch(name))
            throw new UsageException($"'{name}' cannot be a flow name: use letters, digits, '-', '_' and '.', starting with a letter or digit");
        var template = parse.GetValue(Template) ?? "canonical";
        if (!Templates.TryGetValue(template, out var resource))
            throw new UsageException($"unknown template '{template}'; templates: {string.Join(", ", Templates.Keys)}");

        var directory = parse.GetValue(Dir) ?? "rules";
        var path = Path.Combine(directory, name + ".json");
        var (schema, schemaFound) = SchemaReference(directory);
        var text = Fill(ReadTemplate(resource), name, schema);

        Directory.CreateDirectory(directory);
        try
        {
            // CreateNew: refusing to overwrite is decided by the file system, not by an earlier look.
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
        }
        catch (IOException) when (File.Exists(path))
        {
            console.Error($"{path} already exists; init never overwrites a flow (choose another name or delete the file)");
            return ExitCode.Failed;
        }
        console.Out($"created {path} from the '{template}' template (flow name '{name}')");
        if (!schemaFound)
            console.Out($"note: no {SchemaPath} found above {directory}; create it with 'rulesengine schema --out {SchemaPath}'");
        console.Out("next: edit it, then check it and look at its test data:");
        console.Out($"  rulesengine validate {path}");
        console.Out($"  rulesengine sample {path}");
        return ExitCode.Ok;
    }

    /// <summary>The template with its "name" and "$schema" values replaced, keeping its layout.</summary>
    private static string Fill(string template, string name, string schema)
    {
        var withName = NameValue().Replace(template, m => m.Groups[1].Value + "\"" + name + "\"", 1);
        if (SchemaValue().IsMatch(withName))
            return SchemaValue().Replace(withName, m => m.Groups[1].Value + "\"" + schema + "\"", 1);
        var open = withName.IndexOf('{', StringComparison.Ordinal);
        return withName.Insert(open + 1, "\n  \"$schema\": \"" + schema + "\",");
    }

    /// <summary>The schema's path relative to the new file: the nearest schema/flow.schema.json above the folder,
    /// or (when there is none yet) where 'rulesengine schema --out schema/flow.schema.json' run here would put it.</summary>
    private static (string Path, bool Found) SchemaReference(string directory)
    {
        var folder = Path.GetFullPath(directory);
        for (var probe = new DirectoryInfo(folder); probe is not null; probe = probe.Parent)
        {
            var candidate = Path.Combine(probe.FullName, SchemaPath);
            if (File.Exists(candidate)) return (Relative(folder, candidate), true);
        }
        var here = Path.GetFullPath(SchemaPath);
        return (Relative(folder, here), File.Exists(here));
    }

    private static string Relative(string folder, string file) => Path.GetRelativePath(folder, file).Replace('\\', '/');

    private static string ReadTemplate(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the template {resource} is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FlowName();

    [GeneratedRegex("(\"name\"\\s*:\\s*)\"[^\"]*\"")]
    private static partial Regex NameValue();

    [GeneratedRegex("(\"\\$schema\"\\s*:\\s*)\"[^\"]*\"")]
    private static partial Regex SchemaValue();
}
