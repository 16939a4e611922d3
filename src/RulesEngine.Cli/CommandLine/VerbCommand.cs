using System.CommandLine;

namespace RulesEngine.Cli.CommandLine;

/// <summary>What a verb does with its parsed command line; it writes through <paramref name="console"/> only.</summary>
internal delegate Task<ExitCode> VerbHandler(ParseResult parse, Console console, CancellationToken cancellationToken);

/// <summary>
/// A verb: its name, its arguments and options (each declared once, as a field of the verb's class), its help text and
/// the exit codes it returns. Help, completion and the "unknown option" message are all generated from this.
/// </summary>
/// <param name="summary">One line: shown in the overview's list of verbs and at the top of the verb's help.</param>
internal sealed class VerbCommand(string name, string summary) : Command(name, summary)
{
    /// <summary>Prose under the summary in the verb's help: what it does, what it never does.</summary>
    public string Details { get; init; } = "";

    /// <summary>Command lines people copy, shown last in the help.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>The exit codes this verb itself returns and what each means for it (the codes every verb can return,
    /// <see cref="ExitCodes.Common"/>, are added to its help without being listed here).</summary>
    public IReadOnlyDictionary<ExitCode, string> ExitCodes { get; init; } = new Dictionary<ExitCode, string>();

    /// <summary>Null for a verb that only groups others (<c>connections test</c>).</summary>
    public VerbHandler? Handler { get; init; }

    /// <summary>"run", or "connections test" for a nested verb: how messages and help name it.</summary>
    public string Path => Parents.OfType<VerbCommand>().FirstOrDefault() is { } parent ? $"{parent.Path} {Name}" : Name;
}
