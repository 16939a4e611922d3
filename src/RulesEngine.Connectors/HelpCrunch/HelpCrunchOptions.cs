using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>How a <see cref="HelpCrunchClient"/> reaches HelpCrunch and how hard it tries.</summary>
public sealed class HelpCrunchOptions
{
    public const string DefaultBaseUrl = "https://api.helpcrunch.com/v1";

    /// <summary>The Public API key (Settings → Developers → Public API), sent as <c>Bearer</c>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Used exactly as given (with or without a trailing slash), so an emulator or proxy can stand in.</summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>
    /// Tries per request (transient failures only are retried), the per-attempt timeout (waiting for the rate limiter
    /// does not count), the backoff when the service gave no Retry-After, the longest Retry-After honoured and the
    /// requests allowed per minute before the client waits (0: no pacing); by default those of
    /// <see cref="HelpCrunchConnectionSpec.Retry"/>.
    /// </summary>
    public RetrySettings Retry { get; init; } = HelpCrunchConnectionSpec.Retry.Defaults;

    internal void Validate()
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"BaseUrl '{BaseUrl}' is not an absolute http(s) URL", nameof(BaseUrl));
        if (Retry.Problem() is { } problem) throw new ArgumentException(problem, nameof(Retry));
    }
}
