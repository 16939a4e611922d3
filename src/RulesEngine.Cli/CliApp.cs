using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using RulesEngine.Cli.CommandLine;

namespace RulesEngine.Cli;

/// <summary>The command line: parsing (System.CommandLine, <see cref="CommandTree"/>), help, dispatch and exit
/// codes. Tests call it in-process.</summary>
internal static class CliApp
{
    public const int Usage = (int)ExitCode.Usage;

    /// <summary>Built once: the tree is read-only after construction, so concurrent in-process calls share it.</summary>
    private static readonly RootCommand Root = CommandTree.Build();

    /// <summary>No response files: "@name" stays a plain argument, as it always was (a flow file may be named so).</summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>Every verb (run.ps1 must offer each that people run).</summary>
    internal static IReadOnlyCollection<string> VerbNames => [.. Root.Subcommands.Select(c => c.Name)];

    internal static RootCommand Commands => Root;

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CancellationToken cancellationToken) =>
        RunAsync(args, output, errors, CliEnvironment.Redirected, cancellationToken);

    /// <param name="environment">Whether the error output is a terminal, and the clock progress is paced by.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var console = new Console(output, errors, environment);
        // Bare 'rulesengine' is someone asking what this is: the overview, and success. 'help [verb]' as people type it.
        args = args switch
        {
            [] or ["help"] => ["--help"],
            ["help", .. var verbAndMore] => [.. verbAndMore, "--help"],
            _ => args,
        };
        var parse = Root.Parse(args, Parsing);
        if (parse.Action is HelpAction)
        {
            var generated = new StringWriter();
            await parse.InvokeAsync(new InvocationConfiguration { Output = generated }, cancellationToken);
            output.Write(HelpText.Complete(parse.CommandResult.Command, generated.ToString()));
            return (int)ExitCode.Ok;
        }
        if (parse.Action is not null and not ParseErrorAction) // --version, [suggest:N] completions
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors, EnableDefaultExceptionHandler = false }, cancellationToken);
        var command = parse.CommandResult.Command;
        var name = command is VerbCommand verb ? verb.Path : "";
        if (parse.Errors.Count > 0 || command is not VerbCommand { Handler: { } handler })
        {
            console.Error(name.Length == 0 ? UsageErrors.Describe(parse) : $"{name}: {UsageErrors.Describe(parse)}");
            if (name.Length > 0) console.Error($"see 'rulesengine {name} --help'");
            return Usage;
        }
        try
        {
            return (int)await handler(parse, console, cancellationToken);
        }
        catch (UsageException e)
        {
            console.Error($"{name}: {e.Message}");
            console.Error($"see 'rulesengine {name} --help'");
            return Usage;
        }
        catch (OperationCanceledException)
        {
            console.Error("cancelled");
            return (int)ExitCode.Cancelled;
        }
        catch (Exception e)
        {
            console.Error($"{name} failed: {e.Message}");
            return (int)ExitCode.Failed;
        }
    }
}
