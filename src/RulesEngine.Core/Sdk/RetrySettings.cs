namespace RulesEngine.Sdk;

/// <summary>
/// How patiently a client retries one call: how many tries (the first included; 1 means no retry), the first
/// backoff delay (it doubles per retry, with jitter, up to <see cref="MaxDelay"/>) and the longest Retry-After
/// honoured. Read from the connection's settings; <see cref="ServiceResilience"/> turns it into a pipeline.
/// </summary>
public sealed record RetrySettings(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>A Retry-After longer than this is cut to it, so one odd header cannot stall a run for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// True (the default) for a client retrying single requests: each retried attempt certainly did nothing (the
    /// client's predicate retries only those, or only idempotent calls), so before waiting it reports
    /// <see cref="StepCall.AttemptRefused"/> and the journal may say "not sent". False for a retry around a whole
    /// step call, whose attempts may have acted.
    /// </summary>
    public bool ReportsRefusals { get; init; } = true;
}
