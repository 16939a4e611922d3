namespace RulesEngine.Core.Flows;

/// <summary>
/// One problem found while loading a flow, printed the way compilers print theirs
/// (<c>path(line,col): error CODE: message</c>) so editors and CI can jump to it.
/// Line and column are 1-based and point into the JSON file the user edits.
/// </summary>
public sealed record Diagnostic(string File, int Line, int Column, string Code, string Message)
{
    public override string ToString() => $"{File}({Line},{Column}): error {Code}: {Message}";
}

/// <summary>Thrown when flows cannot load; carries every problem found, not just the first.</summary>
public sealed class FlowLoadException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
