using System.Threading.RateLimiting;
using Polly;

namespace RulesEngine.Sdk;

/// <summary>
/// The plumbing every HTTP client of a service needs, built one way: the metered HttpClient, the per-attempt timeout,
/// and two retries over the same settings and pacing, one for calls that may be repeated (idempotent) and one for
/// calls that may be tried again only when the server certainly did nothing (a create, a POST). A client keeps only
/// what is its own: which outcomes are transient, and how it sends and reads one attempt.
/// </summary>
/// <typeparam name="TAnswer">What one attempt returns (the client's answer: a status and a body).</typeparam>
public sealed class HttpServicePipelines<TAnswer> : IDisposable
{
    /// <summary>Builds the client, the timeout and both retries; nothing is sent yet.</summary>
    /// <param name="service">The name the requests are metered under (see <see cref="ApiRequestMetering"/>).</param>
    /// <param name="settings">Tries, backoff, the longest Retry-After and the per-attempt timeout.</param>
    /// <param name="handler">Optional transport (tests); pooled sockets by default.</param>
    /// <param name="time">For backoff and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="isTransient">For repeatable calls: may a failed attempt be tried again?</param>
    /// <param name="isTransientUnacted">For the others: did the failed attempt certainly do nothing?</param>
    /// <param name="retryAfter">The wait the service asked for, when it gave one.</param>
    /// <param name="pacing">Optional limiter every attempt waits on; the caller owns (and disposes) it.</param>
    /// <param name="followRedirects">False for a client whose credentials must reach only one host.</param>
    public HttpServicePipelines(string service, RetrySettings settings, HttpMessageHandler? handler, TimeProvider? time,
        Func<Outcome<TAnswer>, bool> isTransient, Func<Outcome<TAnswer>, bool> isTransientUnacted,
        Func<Outcome<TAnswer>, TimeSpan?> retryAfter, RateLimiter? pacing = null, bool followRedirects = true)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Time = time ?? TimeProvider.System;
        Http = ServiceResilience.CreateHttpClient(service, handler, followRedirects);
        _repeatable = ServiceResilience.Retry<TAnswer>(settings, Time, isTransient, retryAfter, pacing);
        _unrepeatable = ServiceResilience.Retry<TAnswer>(settings, Time, isTransientUnacted, retryAfter, pacing);
        // Apart from the retry, so a stop (which cuts waits) never cuts the attempt in flight; only the caller's token does.
        AttemptTimeout = ServiceResilience.AttemptTimeout(settings.Timeout, Time);
    }

    private readonly ResiliencePipeline<TAnswer> _repeatable;
    private readonly ResiliencePipeline<TAnswer> _unrepeatable;

    /// <summary>The HttpClient to send each attempt with; its own timeout is off (see <see cref="AttemptTimeout"/>).</summary>
    public HttpClient Http { get; }

    /// <summary>The clock the pipelines wait on (for reading a Retry-After date, too).</summary>
    public TimeProvider Time { get; }

    /// <summary>Applied to each attempt inside the retry's callback.</summary>
    public ResiliencePipeline AttemptTimeout { get; }

    /// <summary>The retry for a call: <paramref name="repeatable"/> false retries only attempts that certainly did nothing.</summary>
    public ResiliencePipeline<TAnswer> Retry(bool repeatable) => repeatable ? _repeatable : _unrepeatable;

    /// <summary>Releases the HttpClient (not the pacing, which the caller owns).</summary>
    public void Dispose() => Http.Dispose();
}
