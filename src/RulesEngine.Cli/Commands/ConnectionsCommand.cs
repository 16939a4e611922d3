using Newtonsoft.Json.Linq;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;

namespace RulesEngine.Cli.Commands;

internal static class ConnectionsCommand
{
    public const string Help = """
        Usage: rulesengine connections test [NAME ...] [--connections FILE] [--json]

        Loads the connections file (every entry, or the named ones), resolves their secrets and runs each connection
        type's self-test: one harmless request that proves the settings work, so a wrong token or an unreachable
        server shows up before a flow needs it. helpCrunch: a read-only contact search for an address that cannot
        exist; telegram: getMe; email: connect, negotiate security and sign in, then QUIT (no message is sent).
        googleSheets has no self-test (every request names a spreadsheet): use 'rulesengine sample <flow>'.
        Nothing is written anywhere and no state file is used.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)
          --json               print the results as JSON, for scripts

        Exit codes: 0 every connection loaded and no self-test failed, 1 otherwise, 64 usage.

        Examples:
          rulesengine connections test
          rulesengine connections test helpcrunch telegram --connections /etc/rulesengine/connections.json
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections", "json");
        if (args.Positionals.Count == 0 || args.Positionals[0] != "test")
            throw new UsageException("say what to do with the connections: 'rulesengine connections test [NAME ...]'");
        var registry = Composition.Registry();
        var fileProblems = new List<Diagnostic>();
        var file = ConnectionsFile.Load(args.ConnectionsPath(), registry, fileProblems);
        var names = args.Positionals.Skip(1).ToList();
        var results = await ConnectionCheck.RunAsync(file, registry, names, cancellationToken);
        // Problems of the file itself (not of one entry) come first; each entry's problems come with its result.
        var reported = results.SelectMany(r => r.Problems).ToHashSet();
        var general = fileProblems.Where(p => !reported.Contains(p)).ToList();

        if (args.Has("json"))
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
        return ok ? 0 : 1;
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
