namespace RulesEngine.Core.Flows;

/// <summary>How much a diagnostic matters: an error stops a flow from loading, a warning does not.</summary>
internal enum DiagnosticSeverity
{
    Error,

    /// <summary>Something that does not make the flow wrong where it is checked (a secret a linting CI does not
    /// have), but would stop it where it runs.</summary>
    Warning,
}

/// <summary>
/// One problem found while loading a flow, printed the way compilers print theirs
/// (<c>path(line,col): error CODE: message</c>) so editors and CI can jump to it.
/// Line and column are 1-based and point into the JSON file the user edits.
/// </summary>
internal sealed record Diagnostic(string File, int Line, int Column, string Code, string Message,
    DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary>"error" or "warning": the word compilers print, and the <c>severity</c> of <c>validate --json</c>.</summary>
    public string SeverityName => Severity == DiagnosticSeverity.Error ? "error" : "warning";

    public Diagnostic AsWarning() => this with { Severity = DiagnosticSeverity.Warning };

    public override string ToString() => $"{File}({Line},{Column}): {SeverityName} {Code}: {Message}";
}

/// <summary>Thrown when flows cannot load; carries every problem found, not just the first.</summary>
internal sealed class FlowLoadException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
