using RulesEngine.Cli.Commands;

namespace RulesEngine.Cli;

/// <summary>The command line: verb dispatch, help, and exit codes. Tests call it in-process.</summary>
public static class CliApp
{
    public const int Usage = ExitCode.Usage;

    private delegate Task<int> Verb(Arguments args, Console console, CancellationToken cancellationToken);

    private static readonly Dictionary<string, (string Help, Verb Run)> Verbs = new()
    {
        ["validate"] = (ValidateCommand.Help, ValidateCommand.RunAsync),
        ["run"] = (RunCommand.Help, RunCommand.RunAsync),
        ["test"] = (TestCommand.Help, TestCommand.RunAsync),
        ["demo"] = (DemoCommand.Help, DemoCommand.RunAsync),
        ["history"] = (HistoryCommand.Help, HistoryCommand.RunAsync),
        ["serve"] = (ServeCommand.Help, ServeCommand.RunAsync),
        ["enable"] = (EnableCommand.Help, EnableCommand.RunAsync),
        ["disable"] = (DisableCommand.Help, DisableCommand.RunAsync),
        ["status"] = (StatusCommand.Help, StatusCommand.RunAsync),
        ["replay"] = (ReplayCommand.Help, ReplayCommand.RunAsync),
        ["schema"] = (SchemaCommand.Help, SchemaCommand.RunAsync),
        ["list"] = (ListCommand.Help, ListCommand.RunAsync),
        ["init"] = (InitCommand.Help, InitCommand.RunAsync),
        ["sample"] = (SampleCommand.Help, SampleCommand.RunAsync),
        ["connections"] = (ConnectionsCommand.Help, ConnectionsCommand.RunAsync),
        ["state"] = (StateCommand.Help, StateCommand.RunAsync),
    };

    /// <summary>Every verb (run.ps1 must offer each that people run).</summary>
    internal static IReadOnlyCollection<string> VerbNames => Verbs.Keys;

    private const string Overview = """
        rulesengine: runs automation flows kept as JSON files (Google Sheets rows -> HelpCrunch, Telegram, ...).

        Usage: rulesengine <verb> [arguments] [--help]

        Verbs:
          validate <files or folders>   load and compile flows; print every problem as file(line,col): error CODE: message
          run <flow.json>               run a flow once, now, and print what happened to each new row
          test <flow.json>              show what the flow would do with one real row, without side effects
          demo                          run the canonical flow against built-in emulators of the three services
          history [flow]                show recorded runs and what happened to each row
          replay <flow.json>            run chosen rows again through the journal (--run ID, --row N or --failed)
          serve [--rules DIR]           the daemon: run every switched-on flow on its triggers, reload edited files
          enable|disable <flow>         switch a flow on or off for the daemon (takes effect within a second)
          status [--rules DIR]          each flow: on/off, running, last run, next run, last error
          schema [--out FILE]           print the JSON Schema of flow files (editors complete and check flows with it)
          list [--json]                 list the source, step and connection types with their fields
          init <name>                   write a new flow file from a template (canonical or blank)
          sample <flow.json>            print one real row of the source and the names conditions use for its fields
          connections test [NAME ...]   load the connections and run each type's self-test request (token, server)
          state copy --from X --to Y    copy a whole state to another store (the SQLite file to PostgreSQL)

        Run 'rulesengine <verb> --help' for a verb's options and examples.
        Exit codes: 0 done, 1 invalid or failed, 2 source unreadable, 3 flow busy, 4 no row matched (replay),
        64 wrong command line, 130 stopped by Ctrl+C. --json outputs are camelCase JSON (docs/json-output.md).
        """;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken) =>
        RunAsync(args, output, errors, CliEnvironment.Redirected, cancellationToken);

    /// <param name="environment">Whether the error output is a terminal, and the clock progress is paced by.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var console = new Console(output, errors, environment);
        // Bare 'rulesengine' is someone asking what this is: the overview, and success.
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            console.Out(Overview);
            return ExitCode.Ok;
        }
        if (!Verbs.TryGetValue(args[0], out var verb))
        {
            console.Error($"unknown verb '{args[0]}'; verbs: {string.Join(", ", Verbs.Keys)} (see --help)");
            return Usage;
        }
        try
        {
            var arguments = Arguments.Parse(args.Skip(1), "send", "failed", "json", "force", "wait", "unpaced", "explain", "json-logs", "require-secrets", "fail-on-open", "create-state", "markdown");
            if (arguments.Has("help"))
            {
                console.Out(verb.Help);
                return 0;
            }
            return await verb.Run(arguments, console, cancellationToken);
        }
        catch (UsageException e)
        {
            console.Error($"{args[0]}: {e.Message}");
            console.Error($"see 'rulesengine {args[0]} --help'");
            return Usage;
        }
        catch (OperationCanceledException)
        {
            console.Error("cancelled");
            return ExitCode.Cancelled;
        }
        catch (Exception e)
        {
            console.Error($"{args[0]} failed: {e.Message}");
            return ExitCode.Failed;
        }
    }
}
