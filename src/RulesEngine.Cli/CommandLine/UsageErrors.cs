using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace RulesEngine.Cli.CommandLine;

/// <summary>
/// Turns what System.CommandLine found wrong with a command line into one message that names the culprit and what is
/// accepted instead, in the words scripts and tests already know ("unknown option --bogus; this verb takes: ...",
/// "--state needs a value").
/// </summary>
internal static class UsageErrors
{
    public static string Describe(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var unmatched = parse.UnmatchedTokens;
        var unknownOption = unmatched.FirstOrDefault(t => t.StartsWith('-'));
        if (command is RootCommand)
        {
            if (unmatched.Count == 0) return "name a verb (see --help)";
            if (unknownOption is not null) return $"unknown option {OptionName(unknownOption)}; before a verb only --help and --version are known (see --help)";
            return $"unknown verb '{unmatched[0]}'; verbs: {string.Join(", ", command.Subcommands.Select(c => c.Name))} (see --help)";
        }
        if (unknownOption is not null)
            return $"unknown option {OptionName(unknownOption)}; this verb takes: {string.Join(", ", OwnOptions(command))}";
        if (command is VerbCommand { Handler: null } group)
        {
            var choices = string.Join(" | ", group.Subcommands.Select(c => c.Name));
            return unmatched.Count > 0
                ? $"unknown verb '{unmatched[0]}' after '{group.Name}'; it takes: {choices}"
                : $"say what to do: 'rulesengine {group.Name} {choices} ...'";
        }
        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { Tokens.Count: 0, Option: var option }: // "--state" last on the line
                    return CommonOptions.NeedsAValue(option.Name);
                case OptionResult:
                    return error.Message;
                case ArgumentResult { Argument: var argument } when argument.Arity.MinimumNumberOfValues > 0 && parse.GetResult(argument) is { Tokens.Count: 0 }:
                    return $"missing <{argument.Name}>: {argument.Description}";
            }
        }
        if (unmatched.Count > 0) return $"unexpected argument '{unmatched[0]}'";
        return parse.Errors[0].Message;
    }

    /// <summary>The verb's options as it lists them in its help (not the --help every verb has).</summary>
    public static IEnumerable<string> OwnOptions(Command command) =>
        command.Options.Where(o => o is not HelpOption).Select(o => o.Name);

    /// <summary>"--bogus=3" is the option --bogus.</summary>
    private static string OptionName(string token) => token.Split('=', ':')[0];
}
