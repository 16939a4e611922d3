using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli.Commands;

internal static class ValidateCommand
{
    public const string Help = """
        Usage: rulesengine validate <files or folders>... [--connections FILE] [--require-secrets] [--json]

        Loads every flow (folders: every *.json in them), resolves step types and connections, and compiles every
        C# condition and template in one compilation. Everything is reported in one pass: the C# of every step whose
        own settings loaded is checked even when other parts of the flow have errors. Prints each problem as
          path(line,col): error CODE: message
        A folder is checked as a whole: an "after" trigger naming a flow that is not there, and a cycle of "after"
        triggers (a flow after itself, A after B after A), are errors at each "after" entry involved.

        A secret that is not set here (${env:NAME} unset, ${file:path} missing) is one warning naming the
        connection and the variable, so a CI without production secrets can lint flows; --require-secrets makes it
        an error (run and serve always need them).
        Exit code 0 when there are no errors (warnings alone: 0), 1 otherwise.

        With --json, prints one JSON document on the output instead, for scripts and CI:
          {"diagnostics": [{"file", "line", "column", "code", "message", "severity": "error" | "warning"}...],
           "summary": {"files", "valid" (names of the flows without errors), "errors", "warnings"}}
        Exit codes are the same.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --require-secrets    a secret that is not set is an error, not a warning
          --json               print diagnostics and a summary as JSON

        Examples:
          rulesengine validate rules/
          rulesengine validate rules/helpcrunch-contacts.json --connections connections.json
          rulesengine validate rules/ --require-secrets
          rulesengine validate rules/ --json
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "json", "require-secrets");
        if (args.Positionals.Count == 0) throw new UsageException("name at least one flow file or folder");
        var wholeSet = args.Positionals.Any(Directory.Exists);
        var secretsRequired = args.Has("require-secrets");
        if (args.Has("json"))
        {
            // Diagnostics go into the document, not to the error output, so the output is one parseable thing.
            var quiet = FlowSession.Load(args.Positionals, args.ConnectionsPath(), new Console(console.Writer, TextWriter.Null), wholeSet, secretsRequired);
            console.Json(Json(quiet, FlowLoader.FindFlowFiles(args.Positionals).Count));
            return Task.FromResult(quiet.Succeeded ? 0 : 1);
        }
        var set = FlowSession.Load(args.Positionals, args.ConnectionsPath(), console, wholeSet, secretsRequired);
        var warnings = set.WarningCount > 0 ? $"; {set.WarningCount} warning(s)" : "";
        if (!set.Succeeded)
        {
            console.Out($"{set.ErrorCount} error(s){warnings}");
            return Task.FromResult(1);
        }
        var valid = ValidNames(set);
        console.Out(valid.Count == 0
            ? $"no flow files in {string.Join(", ", args.Positionals)} (a flow file is a *.json file with a \"source\" and \"steps\"){warnings}"
            : $"{valid.Count} flow(s) valid: {string.Join(", ", valid)}{warnings}");
        return Task.FromResult(0);
    }

    /// <summary>Flows whose files have no errors: built, or checked in full but lacking only a secret.</summary>
    private static List<string> ValidNames(FlowSet set)
    {
        var broken = set.Diagnostics.Where(d => d.IsError).Select(d => Path.GetFullPath(d.File)).ToHashSet(StringComparer.Ordinal);
        return set.Outlines.Where(f => !broken.Contains(f.FilePath)).Select(f => f.Name).ToList();
    }

    private static JObject Json(FlowSet set, int files) => new()
    {
        ["diagnostics"] = new JArray(set.Diagnostics.Select(d => new JObject
        {
            ["file"] = d.File,
            ["line"] = d.Line,
            ["column"] = d.Column,
            ["code"] = d.Code,
            ["message"] = d.Message,
            ["severity"] = d.SeverityName,
        })),
        ["summary"] = new JObject
        {
            ["files"] = files,
            ["valid"] = new JArray(ValidNames(set)),
            ["errors"] = set.ErrorCount,
            ["warnings"] = set.WarningCount,
        },
    };
}
