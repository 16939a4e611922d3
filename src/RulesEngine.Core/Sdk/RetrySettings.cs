namespace RulesEngine.Sdk;

/// <summary>
/// How patiently a client retries one call: how many tries (the first included; 1 means no retry), the first
/// backoff delay (it doubles per retry, with jitter, up to <see cref="MaxDelay"/>) and the longest Retry-After
/// honoured, with the per-attempt timeout and the per-minute pacing that go with them. Read from the connection's
/// settings by <see cref="RetryFields"/>; <see cref="ServiceResilience"/> turns it into a pipeline.
/// </summary>
public sealed record RetrySettings(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>How long one attempt may take before it counts as a transient failure (waiting for pacing does not count).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests allowed in any one-minute window before the client waits; 0 turns pacing off.</summary>
    public int RequestsPerMinute { get; init; }

    /// <summary>A Retry-After longer than this is cut to it, so one odd header cannot stall a run for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// True (the default) for a client retrying single requests: each retried attempt certainly did nothing (the
    /// client's predicate retries only those, or only idempotent calls), so before waiting it reports
    /// <see cref="StepCall.AttemptRefused"/> and the journal may say "not sent". False for a retry around a whole
    /// step call, whose attempts may have acted.
    /// </summary>
    public bool ReportsRefusals { get; init; } = true;

    /// <summary>What makes these settings unusable (a client built from them would misbehave), or null when they are fine.
    /// Settings read from a connections file never have a problem: the fields' ranges already exclude these.</summary>
    public string? Problem() =>
        MaxAttempts < 1 ? "MaxAttempts must be at least 1"
        : Timeout < TimeSpan.FromMilliseconds(10) ? "Timeout must be at least 10 ms"
        : BaseDelay < TimeSpan.Zero || MaxDelay < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero ? "delays cannot be negative"
        : RequestsPerMinute < 0 ? "RequestsPerMinute cannot be negative"
        : null;
}
