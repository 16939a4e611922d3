namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>How a <see cref="HelpCrunchClient"/> reaches HelpCrunch and how hard it tries.</summary>
public sealed class HelpCrunchOptions
{
    public const string DefaultBaseUrl = "https://api.helpcrunch.com/v1";
    public const int DefaultMaxAttempts = 4;
    public const int DefaultRequestsPerMinute = 120;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>About 60 s / 120 requests: the pause after a transient failure that carried no Retry-After.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(0.5);

    /// <summary>The Public API key (Settings → Developers → Public API), sent as <c>Bearer</c>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Used exactly as given (with or without a trailing slash), so an emulator or proxy can stand in.</summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Tries per request, the first included; transient failures only are retried.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>Per attempt; waiting for the rate limiter does not count.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Base of the exponential backoff (with jitter) when the service gave no Retry-After.</summary>
    public TimeSpan RetryDelay { get; init; } = DefaultRetryDelay;

    /// <summary>A Retry-After longer than this is cut to it, so one odd header cannot stall a run for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Requests allowed per minute before the client waits; 0 turns pacing off.</summary>
    public int RequestsPerMinute { get; init; } = DefaultRequestsPerMinute;

    internal void Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"BaseUrl '{BaseUrl}' is not an absolute http(s) URL", nameof(BaseUrl));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(Timeout, TimeSpan.FromMilliseconds(10), nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(RequestsPerMinute, nameof(RequestsPerMinute));
    }
}
