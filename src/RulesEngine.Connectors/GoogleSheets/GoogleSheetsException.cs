using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A read from Google Sheets failed. The message is meant for the user: it names Google's status and says what to
/// do, and it never holds the API key or a token (it passes through <see cref="SecretRedactor"/>).
/// </summary>
public sealed class GoogleSheetsException : Exception
{
    public GoogleSheetsException(string message, int? httpStatus = null, string? status = null, bool isTransient = false,
        bool isInactiveAccount = false, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(SecretRedactor.Redact(message), inner)
    {
        HttpStatus = httpStatus;
        Status = status;
        IsTransient = isTransient;
        IsInactiveAccount = isInactiveAccount;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status Google answered with, or null when there was no answer.</summary>
    public int? HttpStatus { get; }

    /// <summary>Google's status name, e.g. <c>PERMISSION_DENIED</c>.</summary>
    public string? Status { get; }

    /// <summary>Worth trying again later: quota, server trouble, no answer.</summary>
    public bool IsTransient { get; }

    /// <summary>The credential was rejected (revoked key, disabled account, deleted API key): the account is inactive.</summary>
    public bool IsInactiveAccount { get; }

    /// <summary>A success status whose answer lacks what is read from it (not JSON, no "range", "values" not an array
    /// of arrays): the service misbehaved. Transient, never retried within the call.</summary>
    public bool Malformed { get; init; }

    /// <summary>For a write: the request may have been applied although no usable answer came back.</summary>
    public bool MayHaveActed { get; init; }

    /// <summary>The server's Retry-After hint, when it gave one.</summary>
    public TimeSpan? RetryAfter { get; }
}
