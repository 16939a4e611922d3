namespace RulesEngine.Emulation;

public enum FaultKind
{
    /// <summary>Answer with an error status (the emulator formats the body the way its service does).</summary>
    Status,
    /// <summary>Answer 429 with the service's retry-after hint.</summary>
    RateLimited,
    /// <summary>Wait before handling the request normally (use a delay past the client's timeout to simulate one).</summary>
    Delay,
    /// <summary>Close the connection without an answer.</summary>
    Drop,
}

/// <summary>A failure an emulator injects into one request.</summary>
public sealed record Fault(FaultKind Kind, int StatusCode = 500, int RetryAfterSeconds = 1, TimeSpan Delay = default, string? Message = null)
{
    public static Fault Status(int code, string? message = null) => new(FaultKind.Status, code, Message: message);
    public static Fault RateLimited(int retryAfterSeconds = 1) => new(FaultKind.RateLimited, 429, retryAfterSeconds);
    public static Fault Slow(TimeSpan delay) => new(FaultKind.Delay, Delay: delay);
    public static Fault Drop() => new(FaultKind.Drop);
}
