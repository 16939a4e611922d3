using System.CommandLine;

namespace RulesEngine.Cli.CommandLine;

/// <summary>
/// Completes System.CommandLine's generated help (summary, usage, arguments, options, verbs) with what a verb
/// declares beside its options: its details under the summary, the exit codes it returns and its examples. The
/// overview is the root's help with the exit codes of every verb.
/// </summary>
internal static class HelpText
{
    /// <summary>Help is wrapped at this width wherever it is printed, so captured help reads as a terminal's does.</summary>
    public const int Width = 120;

    public static string Complete(Command command, string generated)
    {
        var text = new StringWriter();
        var usage = generated.IndexOf("Usage:", StringComparison.Ordinal);
        if (command is VerbCommand { Details.Length: > 0 } verb && usage > 0)
        {
            // The details belong to the description, above the usage line.
            text.Write(generated[..usage]);
            text.WriteLine(Indent(verb.Details.TrimEnd()));
            text.WriteLine();
            text.Write(generated[usage..].TrimEnd());
        }
        else text.Write(generated.TrimEnd());
        text.WriteLine();
        text.WriteLine();
        if (command is RootCommand)
        {
            text.WriteLine("Run 'rulesengine <verb> --help' for a verb's options, exit codes and examples.");
            text.WriteLine($"Exit codes: {ExitCodes.Summary()}.");
            text.WriteLine("--json outputs are camelCase JSON (docs/json-output.md).");
            return text.ToString();
        }
        if (command is VerbCommand { Handler: not null } runs)
        {
            text.WriteLine("Exit codes:");
            foreach (var (code, meaning) in CodesOf(runs)) text.WriteLine($"  {(int)code} {meaning}");
        }
        if (command is VerbCommand { Examples.Count: > 0 } withExamples)
        {
            text.WriteLine();
            text.WriteLine(withExamples.Examples.Count == 1 ? "Example:" : "Examples:");
            foreach (var example in withExamples.Examples) text.WriteLine("  " + example);
        }
        return text.ToString();
    }

    /// <summary>What the verb declares, plus the codes every verb can return, in numeric order.</summary>
    public static IEnumerable<(ExitCode Code, string Meaning)> CodesOf(VerbCommand verb) =>
        verb.ExitCodes.Select(c => (c.Key, c.Value))
            .Concat(ExitCodes.Common.Where(c => !verb.ExitCodes.ContainsKey(c)).Select(c => (c, ExitCodes.Meaning(c))))
            .OrderBy(c => c.Item1);

    private static string Indent(string block) =>
        string.Join(Environment.NewLine, block.Split('\n').Select(line => line.TrimEnd('\r')).Select(line => line.Length == 0 ? "" : "  " + line));
}
