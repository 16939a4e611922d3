namespace RulesEngine.Cli;

/// <summary>What each <see cref="ExitCode"/> means, in the words the overview, every verb's help and the README use.</summary>
internal static class ExitCodes
{
    private static readonly Dictionary<ExitCode, string> Meanings = new()
    {
        [ExitCode.Ok] = "done",
        [ExitCode.Failed] = "invalid or failed",
        [ExitCode.Unavailable] = "source unreadable or no such row (serve: refused to start on a set-up problem)",
        [ExitCode.Busy] = "flow already running elsewhere",
        [ExitCode.NothingToReplay] = "nothing to replay",
        [ExitCode.RowsNeedAPerson] = "rows need a person (--fail-on-open)",
        [ExitCode.Usage] = "wrong command line (unknown verb or option, missing argument)",
        [ExitCode.Cancelled] = "stopped by Ctrl+C",
    };

    /// <summary>Every code, in numeric order.</summary>
    public static IReadOnlyList<ExitCode> All { get; } = [.. Enum.GetValues<ExitCode>().Order()];

    /// <summary>The codes any verb can return whatever it does: a wrong command line, Ctrl+C, an unexpected failure.</summary>
    public static IReadOnlyList<ExitCode> Common { get; } = [ExitCode.Failed, ExitCode.Usage, ExitCode.Cancelled];

    public static string Meaning(ExitCode code) => Meanings[code];

    /// <summary>"0 done, 1 invalid or failed, ...": the overview's line and the README's.</summary>
    public static string Summary() => string.Join(", ", All.Select(c => $"{(int)c} {Meaning(c)}"));

    /// <summary>The README's exit-code table (a test keeps the README's copy equal to this).</summary>
    public static string MarkdownTable() =>
        "| code | name | meaning |\n|---|---|---|\n" +
        string.Concat(All.Select(c => $"| {(int)c} | `{c}` | {Meaning(c)} |\n"));
}
