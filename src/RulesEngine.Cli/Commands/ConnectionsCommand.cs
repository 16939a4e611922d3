using System.CommandLine;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli.Commands;

internal static class ConnectionsCommand
{
    private static readonly Argument<string[]> Names = new("NAME")
    {
        Description = "the connections to test (default: every entry of the connections file)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private static readonly Option<bool> JsonOutput = CommonOptions.Flag("--json", "print the results as JSON, for scripts");

    /// <summary>"connections" only groups its verbs; "connections test" does the work.</summary>
    public static VerbCommand Create() => new("connections", "load the connections and run each type's self-test request (token, server)")
    {
        new VerbCommand("test", "load the connections and run each type's self-test request (token, server)")
        {
            Details = """
                Loads the connections file (every entry, or the named ones), resolves their secrets and runs each connection
                type's self-test: one harmless request that proves the settings work, so a wrong token or an unreachable
                server shows up before a flow needs it. helpCrunch: a read-only contact search for an address that cannot
                exist; telegram: getMe; email: connect, negotiate security and sign in, then QUIT (no message is sent).
                googleSheets has no self-test (every request names a spreadsheet): use 'rulesengine sample <flow>'.
                Nothing is written anywhere and no state file is used.
                """,
            Examples =
            [
                "rulesengine connections test",
                "rulesengine connections test helpcrunch telegram --connections /etc/rulesengine/connections.json",
            ],
            ExitCodes = new Dictionary<ExitCode, string>
            {
                [ExitCode.Ok] = "every connection loaded and no self-test failed",
                [ExitCode.Failed] = "otherwise",
            },
            Handler = TestAsync,
            Arguments = { Names },
            Options = { CommonOptions.Connections, JsonOutput },
        },
    };

    private static async Task<ExitCode> TestAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var registry = Composition.Registry();
        var fileProblems = new List<Diagnostic>();
        var file = ConnectionsFile.Load(CommonOptions.ConnectionsPath(parse), registry, fileProblems);
        var names = parse.GetValue(Names)?.ToList() ?? [];
        var results = await ConnectionCheck.RunAsync(file, registry, names, cancellationToken);
        // Problems of the file itself (not of one entry) come first; each entry's problems come with its result.
        var reported = results.SelectMany(r => r.Problems).ToHashSet();
        var general = fileProblems.Where(p => !reported.Contains(p)).ToList();

        if (parse.GetValue(JsonOutput))
        {
            console.Out(new JObject
            {
                ["file"] = file.FilePath,
                ["problems"] = new JArray(general.Select(Json)),
                ["connections"] = new JArray(results.Select(r => new JObject
                {
                    ["name"] = r.Name,
                    ["type"] = r.Type,
                    ["status"] = char.ToLowerInvariant(r.Status.ToString()[0]) + r.Status.ToString()[1..],
                    ["detail"] = r.Detail,
                    ["problems"] = new JArray(r.Problems.Select(Json)),
                })),
            }.ToString());
        }
        else
        {
            foreach (var problem in general) console.Error(problem.ToString());
            foreach (var result in results)
            {
                var label = result.Status switch
                {
                    ConnectionCheckStatus.Passed => "ok     ",
                    ConnectionCheckStatus.NoSelfTest => "loaded ",
                    _ => "FAILED ",
                };
                console.Out($"{label}{result.Name} ({(result.Type.Length > 0 ? result.Type : "no type")}): {result.Detail}");
                foreach (var problem in result.Problems) console.Error(problem.ToString());
            }
        }
        var ok = general.Count == 0 && results.All(r => r.Status is ConnectionCheckStatus.Passed or ConnectionCheckStatus.NoSelfTest);
        return ok ? ExitCode.Ok : ExitCode.Failed;
    }

    private static JObject Json(Diagnostic d) => new()
    {
        ["file"] = d.File,
        ["line"] = d.Line,
        ["column"] = d.Column,
        ["code"] = d.Code,
        ["message"] = d.Message,
    };
}
