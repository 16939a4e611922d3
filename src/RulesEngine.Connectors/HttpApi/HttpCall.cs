namespace RulesEngine.Connectors.HttpApi;

/// <summary>One request, rendered for an item: the method, the URL below the connection's base URL (placeholder
/// values already escaped), the step's own headers and the JSON body.</summary>
public sealed record HttpCall(HttpMethod Method, string RelativeUrl, IReadOnlyList<(string Name, string Value)> Headers, string? JsonBody)
{
    /// <summary>Repeating it cannot repeat an effect (RFC 9110 §9.2.2), so any failure may be retried.</summary>
    public bool IsIdempotent => Method != HttpMethod.Post && Method != HttpMethod.Patch;
}

/// <summary>The server's answer to the last attempt: status, reason and body (at most <see cref="HttpApiClient.MaxBodyBytes"/>).</summary>
public sealed record HttpAnswer(int Status, string Reason, string Body, bool Truncated)
{
    /// <summary>A status the step does not accept and that says "later" (408, 429, 5xx).</summary>
    public bool IsTransient { get; init; }

    public TimeSpan? RetryAfter { get; init; }
    public int Attempts { get; init; } = 1;

    /// <summary>Some attempt may have reached the server and acted (it answered success or 5xx, or no answer came).</summary>
    public bool MayHaveActed { get; init; }

    /// <summary>Appended to an error when a stop ended the retries early.</summary>
    public string Note { get; init; } = "";

    /// <summary><c>404 Not Found</c>, for messages.</summary>
    public string Describe() => Reason.Length > 0 ? $"{Status} {Reason}" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
