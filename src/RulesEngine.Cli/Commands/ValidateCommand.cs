using System.CommandLine;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli.Commands;

internal static class ValidateCommand
{
    private static readonly Argument<string[]> Paths = new("files or folders")
    {
        Description = "flow files, or folders whose *.json files are flows",
        Arity = ArgumentArity.OneOrMore,
    };

    private static readonly Option<bool> RequireSecrets = CommonOptions.Flag("--require-secrets", "a secret that is not set is an error, not a warning");

    private static readonly Option<bool> JsonOutput = CommonOptions.Flag("--json", "print diagnostics and a summary as JSON");

    public static VerbCommand Create() => new("validate", "load and compile flows; print every problem as file(line,col): error CODE: message")
    {
        Details = """
            Loads every flow (folders: every *.json in them), resolves step types and connections, and compiles every
            C# condition and template in one compilation. Everything is reported in one pass: the C# of every step whose
            own settings loaded is checked even when other parts of the flow have errors. Prints each problem as
              path(line,col): error CODE: message
            A folder is checked as a whole: an "after" trigger naming a flow that is not there, and a cycle of "after"
            triggers (a flow after itself, A after B after A), are errors at each "after" entry involved.

            A secret that is not set here (${env:NAME} unset, ${file:path} missing) is one warning naming the
            connection and the variable, so a CI without production secrets can lint flows; --require-secrets makes it
            an error (run and serve always need them).

            With --json, prints one JSON document on the output instead, for scripts and CI:
              {"diagnostics": [{"file", "line", "column", "code", "message", "severity": "error" | "warning"}...],
               "summary": {"files", "valid" (names of the flows without errors), "errors", "warnings"}}
            Exit codes are the same.
            """,
        Examples =
        [
            "rulesengine validate rules/",
            "rulesengine validate rules/helpcrunch-contacts.json --connections connections.json",
            "rulesengine validate rules/ --require-secrets",
            "rulesengine validate rules/ --json",
        ],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "no errors (warnings alone: 0)",
            [ExitCode.Failed] = "errors",
        },
        Handler = RunAsync,
        Arguments = { Paths },
        Options = { CommonOptions.Connections, RequireSecrets, JsonOutput },
    };

    private static Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var paths = parse.GetRequiredValue(Paths);
        var connections = CommonOptions.ConnectionsPath(parse);
        var wholeSet = paths.Any(Directory.Exists);
        var secretsRequired = parse.GetValue(RequireSecrets);
        if (parse.GetValue(JsonOutput))
        {
            // Diagnostics go into the document, not to the error output, so the output is one parseable thing.
            var quiet = FlowSession.Load(paths, connections, new Console(console.Writer, TextWriter.Null), wholeSet, secretsRequired);
            console.Json(Json(quiet, FlowLoader.FindFlowFiles(paths).Count));
            return Task.FromResult(quiet.Succeeded ? ExitCode.Ok : ExitCode.Failed);
        }
        var set = FlowSession.Load(paths, connections, console, wholeSet, secretsRequired);
        var warnings = set.WarningCount > 0 ? $"; {set.WarningCount} warning(s)" : "";
        if (!set.Succeeded)
        {
            console.Out($"{set.ErrorCount} error(s){warnings}");
            return Task.FromResult(ExitCode.Failed);
        }
        var valid = ValidNames(set);
        console.Out(valid.Count == 0
            ? $"no flow files in {string.Join(", ", paths)} (a flow file is a *.json file with a \"source\" and \"steps\"){warnings}"
            : $"{valid.Count} flow(s) valid: {string.Join(", ", valid)}{warnings}");
        return Task.FromResult(ExitCode.Ok);
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
