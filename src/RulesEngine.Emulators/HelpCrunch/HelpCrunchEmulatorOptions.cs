namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// Switches for the behaviours the HelpCrunch docs leave unconfirmed (see docs/api/helpcrunch.md §8), so tests can
/// pin either answer. Defaults follow the best guess recorded there.
/// </summary>
public sealed class HelpCrunchEmulatorOptions
{
    /// <summary>POST/PATCH with a userId another contact has → 400 <c>invalid_userId_value</c> (seen in real clients).</summary>
    public bool RejectDuplicateUserId { get; init; } = true;

    /// <summary>POST/PATCH with an email another contact has → 400 <c>invalid_email_value</c>. Off: the docs say emails are not unique.</summary>
    public bool RejectDuplicateEmail { get; init; }

    /// <summary>A locale that is not ISO 639-1 → 400 <c>invalid_locale_value</c>.</summary>
    public bool ValidateLocale { get; init; } = true;

    /// <summary>A body field that is not a writable customer field → 400 (catches client typos).</summary>
    public bool RejectUnknownFields { get; init; } = true;

    /// <summary>Answer customData as the old <c>[{property,value}]</c> array instead of the current map.</summary>
    public bool CustomDataAsArray { get; init; }

    /// <summary>PUT keeps fields it does not mention (old docs) instead of setting them to null (new docs).</summary>
    public bool PutKeepsMissingFields { get; init; }

    /// <summary>Search <c>=</c>/<c>~</c> compare text case-sensitively (unconfirmed; off by default).</summary>
    public bool CaseSensitiveSearch { get; init; }

    /// <summary>Answer 429 <c>too_many_requests</c> once more than <see cref="RequestsPerMinute"/> arrive in a minute.</summary>
    public bool EnforceRateLimit { get; init; }

    public int RequestsPerMinute { get; init; } = 120;

    /// <summary>Send a Retry-After header with 429 answers (undocumented, so switchable).</summary>
    public bool SendRetryAfter { get; init; } = true;
}
