namespace RulesEngine.Sdk;

/// <summary>
/// The retry, timeout and pacing settings of a connection type (<c>maxAttempts</c>, <c>timeoutSeconds</c>,
/// <c>retryDelaySeconds</c>, optionally <c>maxRetryAfterSeconds</c> and <c>requestsPerMinute</c>), declared once here
/// and read straight into <see cref="RetrySettings"/>, so every connector spells, checks and reads them alike. A
/// connector states only what is its own: the wording, the defaults and the ranges its service calls for, through the
/// field factories below. Add <see cref="Fields"/> to the connection's spec and call <see cref="Read"/> on its settings.
/// </summary>
public sealed class RetryFields
{
    /// <summary>The key of the tries per call.</summary>
    public const string MaxAttemptsKey = "maxAttempts";
    /// <summary>The key of the per-attempt timeout, in seconds.</summary>
    public const string TimeoutSecondsKey = "timeoutSeconds";
    /// <summary>The key of the first backoff delay, in seconds.</summary>
    public const string RetryDelaySecondsKey = "retryDelaySeconds";
    /// <summary>The key of the longest Retry-After waited out, in seconds.</summary>
    public const string MaxRetryAfterSecondsKey = "maxRetryAfterSeconds";
    /// <summary>The key of the pacing budget.</summary>
    public const string RequestsPerMinuteKey = "requestsPerMinute";

    /// <summary>A set to fill with an object initializer: the three required fields, the optional ones, the cap.</summary>
    public RetryFields()
    {
    }

    /// <summary>Tries per call, the first included (see <see cref="MaxAttemptsField"/>).</summary>
    public required ConnectionField MaxAttempts { get; init; }

    /// <summary>How long one attempt may take (see <see cref="TimeoutField"/>).</summary>
    public required ConnectionField Timeout { get; init; }

    /// <summary>The first backoff delay (see <see cref="RetryDelayField"/>).</summary>
    public required ConnectionField RetryDelay { get; init; }

    /// <summary>The longest Retry-After waited out; without it, <see cref="RetrySettings.MaxRetryAfter"/>'s default applies.</summary>
    public ConnectionField? MaxRetryAfter { get; init; }

    /// <summary>Pacing; without it the client does not pace (<see cref="RetrySettings.RequestsPerMinute"/> 0).</summary>
    public ConnectionField? RequestsPerMinute { get; init; }

    /// <summary>
    /// The longest backoff between two tries, however many retries came before; a <c>retryDelaySeconds</c> above it
    /// raises it, so the first delay is always the one written.
    /// </summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The declared fields, in the order the docs and <c>list</c> show them.</summary>
    public IReadOnlyList<ConnectionField> Fields =>
        new[] { MaxAttempts, Timeout, RetryDelay, MaxRetryAfter, RequestsPerMinute }.OfType<ConnectionField>().ToList();

    /// <summary>The settings a connection gets when it writes none of these fields.</summary>
    public RetrySettings Defaults => Build(declared => Convert.ToDouble(declared.Default, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads the fields from a connection already checked against its spec (so every value is in range).</summary>
    public RetrySettings Read(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Build(declared => declared.Kind == SettingKind.Integer ? settings.Integer(declared.Name) : settings.Duration(declared.Name).TotalSeconds);
    }

    /// <summary><c>maxAttempts</c>: 1 to 20 tries, the first included.</summary>
    public static ConnectionField MaxAttemptsField(string description, int defaultValue) =>
        ConnectionField.Integer(MaxAttemptsKey, description, defaultValue, 1, 20, example: defaultValue);

    /// <summary><c>timeoutSeconds</c>: up to 10 minutes a try.</summary>
    public static ConnectionField TimeoutField(string description, double defaultSeconds, double minimumSeconds = 0.05) =>
        ConnectionField.Duration(TimeoutSecondsKey, description, defaultSeconds, minimumSeconds, 600, example: defaultSeconds);

    /// <summary><c>retryDelaySeconds</c>: the first backoff delay; it doubles per retry, with jitter.</summary>
    public static ConnectionField RetryDelayField(string description, double defaultSeconds, double maximumSeconds = 300) =>
        ConnectionField.Duration(RetryDelaySecondsKey, description, defaultSeconds, 0, maximumSeconds, example: defaultSeconds);

    /// <summary><c>maxRetryAfterSeconds</c>: the longest wait the service may ask for.</summary>
    public static ConnectionField MaxRetryAfterField(string description, double defaultSeconds, double maximumSeconds) =>
        ConnectionField.Duration(MaxRetryAfterSecondsKey, description, defaultSeconds, 0, maximumSeconds, example: defaultSeconds);

    /// <summary><c>requestsPerMinute</c>: 0 (no pacing) to 100,000.</summary>
    public static ConnectionField RequestsPerMinuteField(string description, int defaultValue, int example) =>
        ConnectionField.Integer(RequestsPerMinuteKey, description, defaultValue, 0, 100_000, example);

    private RetrySettings Build(Func<ConnectionField, double> value)
    {
        var retryDelay = TimeSpan.FromSeconds(value(RetryDelay));
        var settings = new RetrySettings((int)value(MaxAttempts), retryDelay, retryDelay > MaxBackoff ? retryDelay : MaxBackoff)
        {
            Timeout = TimeSpan.FromSeconds(value(Timeout)),
            RequestsPerMinute = RequestsPerMinute is { } pacing ? (int)value(pacing) : 0,
        };
        return MaxRetryAfter is { } longest ? settings with { MaxRetryAfter = TimeSpan.FromSeconds(value(longest)) } : settings;
    }
}
