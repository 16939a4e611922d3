using RulesEngine.Cli;
using RulesEngine.Cli.Commands;
using RulesEngine.Core.Connections;

// A catastrophic regex in a user condition must time out; the default is only honoured when set before any
// Regex is created, so it is the first thing the process does.
AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", TimeSpan.FromSeconds(2));
var output = Console.Out;
var verbs = new Dictionary<string, (string Help, Func<Arguments, TextWriter, CancellationToken, Task<int>> Run)>
{
    ["validate"] = (ValidateCommand.Help, ValidateCommand.RunAsync),
    ["run"] = (RunCommand.Help, RunCommand.RunAsync),
    ["test"] = (TestCommand.Help, TestCommand.RunAsync),
    ["demo"] = (DemoCommand.Help, DemoCommand.RunAsync),
    ["history"] = (HistoryCommand.Help, HistoryCommand.RunAsync),
};

if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
{
    output.WriteLine("""
        rulesengine: runs automation flows kept as JSON files (Google Sheets rows -> HelpCrunch, Telegram, ...).

        Usage: rulesengine <verb> [arguments] [--help]

        Verbs:
          validate <files or folders>   load and compile flows; print every problem as file(line,col): error CODE: message
          run <flow.json>               run a flow once, now, and print what happened to each new row
          test <flow.json>              show what the flow would do with one real row, without side effects
          demo                          run the canonical flow against built-in emulators of the three services
          history [flow]                show recorded runs and what happened to each row

        Run 'rulesengine <verb> --help' for a verb's options and examples.
        """);
    return args.Length == 0 ? 64 : 0;
}

if (!verbs.TryGetValue(args[0], out var verb))
{
    Console.Error.WriteLine($"unknown verb '{args[0]}'; verbs: {string.Join(", ", verbs.Keys)} (see --help)");
    return 64;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
try
{
    var arguments = Arguments.Parse(args.Skip(1), "send", "failed", "json", "force", "wait");
    if (arguments.Has("help"))
    {
        output.WriteLine(verb.Help);
        return 0;
    }
    return await verb.Run(arguments, output, cancellation.Token);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    Console.Error.WriteLine($"see 'rulesengine {args[0]} --help'");
    return 64;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{args[0]} failed: {SecretRedactor.Redact(e.Message)}");
    return 1;
}
