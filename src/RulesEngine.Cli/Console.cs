using RulesEngine.Cli.Output;
using RulesEngine.Core.Connections;

namespace RulesEngine.Cli;

/// <summary>
/// Where a verb writes: people's output and errors. Every line passes through the secret redactor and the terminal
/// escaper (<see cref="TerminalText.EscapeLines"/>), so neither a secret nor a control sequence from a sheet or a
/// service reaches the terminal, whichever verb printed it.
/// </summary>
internal sealed class Console(TextWriter output, TextWriter errors, CliEnvironment? environment = null)
{
    public TextWriter Writer => output;

    public TextWriter ErrorWriter => errors;

    /// <summary>What the verb runs in: whether the error output is a terminal, and the clock progress reports use.</summary>
    public CliEnvironment Environment { get; } = environment ?? CliEnvironment.Redirected;

    public void Out(string line) => output.WriteLine(Format(line));

    /// <summary>A line as <see cref="Out"/> writes it (redacted, escaped), for output kept aside before it is written
    /// (<see cref="Output.RunLines"/>).</summary>
    public static string Format(string line) => TerminalText.EscapeLines(SecretRedactor.Redact(line));

    public void Error(string line) => errors.WriteLine(TerminalText.EscapeLines(SecretRedactor.Redact(line)));

    /// <summary>Prints a value as one JSON document in the CLI's convention (<see cref="CliJson"/>).</summary>
    public void Json(object? value) => Out(CliJson.Serialize(value));
}

/// <param name="ErrorsIsTerminal">True when the error output is an interactive terminal (progress is then one live
/// line rewritten in place; otherwise a plain line every few seconds).</param>
/// <param name="Clock">The time progress reports are paced by.</param>
/// <param name="TerminalWidth">Columns of that terminal (0: unknown); a live line longer than this would wrap, and a
/// wrapped line cannot be rewritten in place.</param>
internal sealed record CliEnvironment(bool ErrorsIsTerminal, TimeProvider Clock, int TerminalWidth = 0)
{
    /// <summary>Output captured or piped (tests, CI, scripts), on the system clock.</summary>
    public static readonly CliEnvironment Redirected = new(false, TimeProvider.System);
}
