using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli.Commands;

internal static class ValidateCommand
{
    public const string Help = """
        Usage: rulesengine validate <files or folders>... [--connections FILE] [--json]

        Loads every flow (folders: every *.json in them), resolves step types and connections, and compiles every
        C# condition and template in one compilation. Prints each problem as
          path(line,col): error CODE: message
        Exit code 0 when everything is valid, 1 otherwise.

        With --json, prints one JSON document on the output instead, for scripts and CI:
          {"diagnostics": [{"file", "line", "column", "code", "message", "severity"}...],
           "summary": {"files", "valid" (names of the flows without problems), "errors", "warnings"}}
        Exit codes are the same.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --json               print diagnostics and a summary as JSON

        Examples:
          rulesengine validate rules/
          rulesengine validate rules/helpcrunch-contacts.json --connections connections.json
          rulesengine validate rules/ --json
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "json");
        if (args.Positionals.Count == 0) throw new UsageException("name at least one flow file or folder");
        if (args.Has("json"))
        {
            // Diagnostics go into the document, not to the error output, so the output is one parseable thing.
            var quiet = FlowSession.Load(args.Positionals, args.ConnectionsPath(), new Console(console.Writer, TextWriter.Null), wholeSet: args.Positionals.Any(Directory.Exists));
            console.Json(Json(quiet, FlowLoader.FindFlowFiles(args.Positionals).Count));
            return Task.FromResult(quiet.Succeeded ? 0 : 1);
        }
        var set = FlowSession.Load(args.Positionals, args.ConnectionsPath(), console, wholeSet: args.Positionals.Any(Directory.Exists));
        if (!set.Succeeded)
        {
            console.Out($"{set.Diagnostics.Count} error(s)");
            return Task.FromResult(1);
        }
        console.Out($"{set.Flows.Count} flow(s) valid: {string.Join(", ", set.Flows.Select(f => f.Name))}");
        return Task.FromResult(0);
    }

    /// <summary>Every problem the loader finds is an error today; "severity" is there so warnings can be added
    /// without changing the shape scripts read.</summary>
    private static JObject Json(FlowSet set, int files)
    {
        var broken = set.Diagnostics.Select(d => Path.GetFullPath(d.File)).ToHashSet(StringComparer.Ordinal);
        var valid = set.Flows.Where(f => !broken.Contains(f.FilePath)).Select(f => f.Name);
        return new JObject
        {
            ["diagnostics"] = new JArray(set.Diagnostics.Select(d => new JObject
            {
                ["file"] = d.File,
                ["line"] = d.Line,
                ["column"] = d.Column,
                ["code"] = d.Code,
                ["message"] = d.Message,
                ["severity"] = "error",
            })),
            ["summary"] = new JObject
            {
                ["files"] = files,
                ["valid"] = new JArray(valid),
                ["errors"] = set.Diagnostics.Count,
                ["warnings"] = 0,
            },
        };
    }
}
