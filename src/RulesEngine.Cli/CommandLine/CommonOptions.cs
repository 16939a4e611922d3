using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace RulesEngine.Cli.CommandLine;

/// <summary>
/// Options several verbs share, declared once, and the three shapes every option takes (a value, a number, a flag),
/// so that each verb's options parse, complain and show in help the same way.
/// </summary>
internal static class CommonOptions
{
    public static readonly Option<string> Connections = Value("--connections", "FILE",
        "the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json)");

    public static readonly Option<string> State = Value("--state", "PATH",
        "the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)");

    public static readonly Option<string> Rules = Value("--rules", "DIR", "the folder of flow files (default: ./rules)");

    public static readonly Option<bool> Wait = Flag("--wait", "if the flow is already running, wait for that run to end instead of exiting");

    public static readonly Option<bool> FailOnOpen = Flag("--fail-on-open", "exit 5 when rows need a person (for scripts and CI; without it such a run exits 0)");

    /// <summary>The flow file positional of run, test, replay and sample.</summary>
    public static Argument<string> FlowFile() => new("flow.json") { Description = "the flow file" };

    public static string ConnectionsPath(ParseResult parse) =>
        parse.GetValue(Connections) ?? Environment.GetEnvironmentVariable("RULESENGINE_CONNECTIONS") ?? "connections.json";

    public static string StatePath(ParseResult parse) =>
        parse.GetValue(State) ?? Environment.GetEnvironmentVariable("RULESENGINE_STATE") ?? System.IO.Path.Combine("state", "rulesengine.db");

    /// <summary>An option that takes a value. "--state --wait" is a missing value, not a state file named "--wait".</summary>
    public static Option<string> Value(string name, string valueName, string description)
    {
        var option = new Option<string>(name) { HelpName = valueName, Description = description };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var value }] && LooksLikeOption(value)) result.AddError(NeedsAValue(name));
        });
        return option;
    }

    /// <summary>A whole number; a word is "--row must be a number, not 'x'" (negative numbers are values: the verb
    /// checks its range).</summary>
    public static Option<int?> Number(string name, string valueName, string description) => new(name)
    {
        HelpName = valueName,
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return number;
            result.AddError(LooksLikeOption(text) ? NeedsAValue(name) : $"{name} must be a number, not '{text}'");
            return null;
        },
    };

    /// <summary>A switch: present or not; it takes no value.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static string NeedsAValue(string name) => $"{name} needs a value";

    private static bool LooksLikeOption(string value) => value.StartsWith("--", StringComparison.Ordinal) && value.Length > 2;
}
