using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RulesEngine.Sdk;

/// <summary>
/// The one way a connector's client builds its resilience: a retry with exponential backoff and jitter that
/// honours the service's Retry-After, a per-attempt timeout, and pacing to a per-minute budget. Every client keeps
/// the same rules this way: once the run is stopping (<see cref="StepCall.IsStopping"/>) no new attempt starts, and
/// an attempt about to be retried is reported refused (see <see cref="RetrySettings.ReportsRefusals"/>).
/// <para>
/// The timeout is a pipeline of its own, applied inside the retry's callback: a stop cuts the retry's waits (its
/// token is linked to <see cref="StepCall.Stopping"/>) but never the attempt in flight, which only the caller's token
/// cuts.
/// </para>
/// </summary>
public static class ServiceResilience
{
    /// <summary>A retry for calls whose failures are exceptions (any result type may flow through it).</summary>
    /// <param name="isTransient">Whether a failed attempt may be tried again (a 429, a 5xx, no connection, ...).</param>
    /// <param name="retryAfter">The wait the service asked for, when it gave one; null means "use the backoff".</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Retry and Retry<T> differ in their delegates' types, so a call never matches both.")]
    public static ResiliencePipeline Retry(RetrySettings settings, TimeProvider time, Func<Exception, bool> isTransient,
        Func<Exception, TimeSpan?>? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(isTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (settings.MaxAttempts > 1)
            builder.AddRetry(Configure<RetryStrategyOptions, object>(new RetryStrategyOptions(), settings,
                outcome => outcome.Exception is { } e && isTransient(e),
                outcome => outcome.Exception is { } e ? retryAfter?.Invoke(e) : null));
        return builder.Build();
    }

    /// <summary>A retry for calls that return their answer (a status and a body) instead of throwing for it.</summary>
    /// <param name="pacing">Optional: a limiter every attempt waits on (inside the retry, so retries are paced too).</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "Retry and Retry<T> differ in their delegates' types, so a call never matches both.")]
    public static ResiliencePipeline<T> Retry<T>(RetrySettings settings, TimeProvider time, Func<Outcome<T>, bool> isTransient,
        Func<Outcome<T>, TimeSpan?>? retryAfter = null, RateLimiter? pacing = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(isTransient);
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = time };
        if (settings.MaxAttempts > 1)
            builder.AddRetry(Configure<RetryStrategyOptions<T>, T>(new RetryStrategyOptions<T>(), settings, isTransient, outcome => retryAfter?.Invoke(outcome)));
        if (pacing is not null) builder.AddRateLimiter(pacing);
        return builder.Build();
    }

    /// <summary>Ends one attempt after <paramref name="timeout"/> with a <see cref="TimeoutRejectedException"/>.</summary>
    public static ResiliencePipeline AttemptTimeout(TimeSpan timeout, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(timeout).Build();

    /// <summary>
    /// Pacing to <paramref name="perMinute"/> requests in any one-minute window: callers queue (oldest first) instead
    /// of collecting 429s, and a handful still go out at once.
    /// </summary>
    public static RateLimiter PerMinute(int perMinute) => new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 12,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    });

    /// <summary>
    /// The HttpClient a connector's client sends through: metered under <paramref name="service"/> (see
    /// <see cref="ApiRequestMetering"/>), over pooled sockets unless a test gives its own handler, and with
    /// HttpClient's own timeout off, because the pipeline times each attempt (<see cref="AttemptTimeout"/>) and
    /// HttpClient's must never fire first.
    /// </summary>
    /// <param name="followRedirects">False for a client that sends credentials that must reach only one host.</param>
    public static HttpClient CreateHttpClient(string service, HttpMessageHandler? handler = null, bool followRedirects = true) =>
        new(ApiRequestMetering.Around(service, handler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = followRedirects,
        }))
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

    /// <summary>True when the request certainly never reached the server (refused connection, unknown host): it did
    /// nothing, so even a call that is not idempotent may be tried again.</summary>
    public static bool NeverConnected(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    /// <summary>An HTTP answer's Retry-After (seconds or a date), as a wait from now; null when it gave none.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => null,
        };
    }

    private static TOptions Configure<TOptions, T>(TOptions options, RetrySettings settings,
        Func<Outcome<T>, bool> isTransient, Func<Outcome<T>, TimeSpan?> retryAfter) where TOptions : RetryStrategyOptions<T>
    {
        options.MaxRetryAttempts = settings.MaxAttempts - 1;
        options.BackoffType = DelayBackoffType.Exponential;
        options.UseJitter = true;
        options.Delay = settings.BaseDelay;
        options.MaxDelay = settings.MaxDelay;
        options.ShouldHandle = args => ValueTask.FromResult(!StepCall.Current.IsStopping && isTransient(args.Outcome));
        // The service knows better than our backoff; null lets the backoff decide.
        options.DelayGenerator = args => ValueTask.FromResult(retryAfter(args.Outcome) is { } wait
            ? (TimeSpan?)TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, settings.MaxRetryAfter.Ticks))
            : null);
        if (settings.ReportsRefusals)
        {
            // Before the wait: the journal may say "not sent", so a process killed while waiting calls again next run.
            options.OnRetry = _ =>
            {
                StepCall.Current.AttemptRefused();
                return default;
            };
        }
        return options;
    }
}
