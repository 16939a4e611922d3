namespace RulesEngine.Cli.Commands;

internal static class ValidateCommand
{
    public const string Help = """
        Usage: rulesengine validate <files or folders>... [--connections FILE]

        Loads every flow (folders: every *.json in them), resolves step types and connections, and compiles every
        C# condition and template in one compilation. Prints each problem as
          path(line,col): error CODE: message
        Exit code 0 when everything is valid, 1 otherwise.

        Options:
          --connections FILE   the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)

        Examples:
          rulesengine validate rules/
          rulesengine validate rules/helpcrunch-contacts.json --connections connections.json
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("connections");
        if (args.Positionals.Count == 0) throw new UsageException("name at least one flow file or folder");
        var set = FlowSession.Load(args.Positionals, args.ConnectionsPath(), console);
        if (!set.Succeeded)
        {
            console.Out($"{set.Diagnostics.Count} error(s)");
            return Task.FromResult(1);
        }
        console.Out($"{set.Flows.Count} flow(s) valid: {string.Join(", ", set.Flows.Select(f => f.Name))}");
        return Task.FromResult(0);
    }
}
