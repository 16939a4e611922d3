namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// A HelpCrunch call that did not succeed. <see cref="IsTransient"/> separates "the service said no" (a 4xx:
/// the step fails and flows may route on it) from "no usable answer" (timeouts, refused or reset connections, 429
/// and 5xx after every retry: the item is held, never routed as if the service had said no).
/// The message never contains a secret.
/// </summary>
public sealed class HelpCrunchException : Exception
{
    public HelpCrunchException(string message, int? statusCode, IReadOnlyList<string> codes, bool isTransient, Exception? inner = null, bool mayHaveActed = false)
        : base(message, inner)
    {
        StatusCode = statusCode;
        Codes = codes;
        IsTransient = isTransient;
        MayHaveActed = mayHaveActed;
    }

    /// <summary>
    /// True when HelpCrunch may have done what was asked although no success came back: a timeout, a connection
    /// lost after the request was sent, a 5xx. False when it certainly did not (an answer that says no, a 429, a
    /// refused connection). A create that may have acted is looked up before it is sent again.
    /// </summary>
    public bool MayHaveActed { get; }

    /// <summary>The HTTP status, or null when no answer arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Every <c>errors[].code</c> of the answer, in order (the docs disagree on where the specific one sits).</summary>
    public IReadOnlyList<string> Codes { get; }

    public bool IsTransient { get; }

    /// <summary>A success status whose answer does not have the documented shape (HTML, an empty body, a search
    /// without a usable <c>data</c> array, a customer without a usable id). Transient: the service misbehaved, and
    /// the item is held rather than read as "not found".</summary>
    public bool Malformed { get; init; }

    public bool HasCode(string code) => Codes.Contains(code, StringComparer.OrdinalIgnoreCase);
}
