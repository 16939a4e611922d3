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
    /// <summary>Answer exactly <see cref="Fault.Body"/> with <see cref="Fault.StatusCode"/> and <see cref="Fault.ContentType"/>,
    /// without the service's formatting: a malformed or hostile answer (a success status without the documented shape,
    /// HTML from a proxy, an empty body, numbers no client can use). The request is not handled, so nothing is done.</summary>
    Answer,
}

/// <summary>A failure an emulator injects into one request.</summary>
public sealed record Fault(FaultKind Kind, int StatusCode = 500, int RetryAfterSeconds = 1, TimeSpan Delay = default, string? Message = null)
{
    /// <summary>For <see cref="FaultKind.Answer"/>: the body sent as it is.</summary>
    public string Body { get; init; } = "";

    /// <summary>For <see cref="FaultKind.Answer"/>: the Content-Type header.</summary>
    public string ContentType { get; init; } = "application/json";

    public static Fault Status(int code, string? message = null) => new(FaultKind.Status, code, Message: message);
    public static Fault RateLimited(int retryAfterSeconds = 1) => new(FaultKind.RateLimited, 429, retryAfterSeconds);
    public static Fault Slow(TimeSpan delay) => new(FaultKind.Delay, Delay: delay);
    public static Fault Drop() => new(FaultKind.Drop);

    /// <summary>Answers <paramref name="body"/> as it is (default: 200, JSON); see <see cref="FaultKind.Answer"/>.</summary>
    public static Fault Answer(string body, int status = 200, string contentType = "application/json") =>
        new(FaultKind.Answer, status) { Body = body, ContentType = contentType };
}
