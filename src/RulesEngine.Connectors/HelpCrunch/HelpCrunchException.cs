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
        : this(message, statusCode, codes, isTransient, inner, mayHaveActed, attempts: 0, AttemptNote.None)
    {
    }

    private HelpCrunchException(string reason, int? statusCode, IReadOnlyList<string> codes, bool isTransient, Exception? inner, bool mayHaveActed,
        int attempts, AttemptNote note)
        : base(note switch
        {
            AttemptNote.StillFailing => $"{reason} (still failing after {Plural(attempts)})",
            AttemptNote.Count => $"{reason} ({Plural(attempts)})",
            _ => reason,
        }, inner)
    {
        Reason = reason;
        StatusCode = statusCode;
        Codes = codes;
        IsTransient = isTransient;
        MayHaveActed = mayHaveActed;
        Attempts = attempts;
        _note = note;
    }

    private readonly AttemptNote _note;

    /// <summary>How the message counts the requests: not at all, "(still failing after N attempts)" (answered with a
    /// transient status every time), or "(N attempts)" (no answer).</summary>
    internal enum AttemptNote { None, StillFailing, Count }

    /// <summary>A failure after <paramref name="attempts"/> requests, counted in the message.</summary>
    internal static HelpCrunchException Counted(string reason, int? statusCode, IReadOnlyList<string> codes, bool isTransient, Exception? inner,
        bool mayHaveActed, int attempts, AttemptNote note) =>
        new(reason, statusCode, codes, isTransient, inner, mayHaveActed, attempts, note);

    /// <summary>The same failure counted over <paramref name="attempts"/> requests in all: a step that repeats the
    /// call itself (create, after looking the contact up) must not say "after 1 attempt" when it sent 4.</summary>
    internal HelpCrunchException WithAttempts(int attempts) =>
        _note == AttemptNote.None ? this : new(Reason, StatusCode, Codes, IsTransient, InnerException, MayHaveActed, attempts, _note);

    /// <summary>The message without the count of attempts.</summary>
    public string Reason { get; }

    /// <summary>How many requests the call sent (0: not counted).</summary>
    public int Attempts { get; }

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

    private static string Plural(int n) => n == 1 ? "1 attempt" : $"{n} attempts";
}
