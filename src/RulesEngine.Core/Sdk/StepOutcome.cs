namespace RulesEngine.Sdk;

/// <summary>How one call of a receiver for one item ended.</summary>
public enum OutcomeStatus
{
    /// <summary>The service did what was asked (execution result 1).</summary>
    Succeeded,

    /// <summary>The service answered no: not found, rejected, invalid data (execution result 0, the error text
    /// says why). Later If blocks route on it.</summary>
    Failed,

    /// <summary>The service could not be reached or kept failing transiently: there is no answer to route on.
    /// The item is held and retried on a later run, never routed to an If branch as if it had failed.</summary>
    Held,
}

/// <summary>
/// The outcome of one receiver for one item. Outcomes are data: a failure keeps its cause whole
/// (the exception is kept for logs, the text is what conditions and history see).
/// </summary>
public sealed record StepOutcome(
    OutcomeStatus Status,
    string Error,
    IReadOnlyDictionary<string, string> Output,
    Exception? Cause = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoOutput = new Dictionary<string, string>();

    /// <summary>
    /// For <see cref="OutcomeStatus.Held"/> only: the service certainly did not act on the call (every attempt was
    /// refused before it reached the service, or answered 429), so calling again cannot repeat a side effect. When
    /// false, a held call may have acted (a timeout can come after the work was done), and a receiver with a resume
    /// policy (<see cref="IResumableReceiver"/>) is asked what to do before it is called again.
    /// </summary>
    public bool NoEffect { get; init; }

    /// <summary>The service did what was asked; <paramref name="output"/> is what later steps read.</summary>
    public static StepOutcome Success(IReadOnlyDictionary<string, string>? output = null) =>
        new(OutcomeStatus.Succeeded, "", output ?? NoOutput);

    /// <summary>The service answered no; <paramref name="error"/> (redacted) is what conditions and history see.</summary>
    public static StepOutcome Failure(string error, Exception? cause = null, IReadOnlyDictionary<string, string>? output = null) =>
        new(OutcomeStatus.Failed, error, output ?? NoOutput, cause);

    /// <summary>No answer to route on: the item is held and tried again on a later run.</summary>
    public static StepOutcome Held(string reason, Exception? cause = null) =>
        new(OutcomeStatus.Held, reason, NoOutput, cause);

    /// <summary>The view later conditions get of this outcome.</summary>
    public StepResult ToResult() => Status switch
    {
        OutcomeStatus.Succeeded => new StepResult(true, 1, "", Output),
        OutcomeStatus.Failed => new StepResult(true, 0, Error, Output),
        _ => StepResult.NotRun,
    };
}

/// <summary>One HTTP request a step would send, shown by <c>test</c> (secrets already redacted).</summary>
public sealed record RequestPreview(string Method, string Url, string? Body);

/// <summary>What a step would do for one item, without side effects. <see cref="Predicted"/> may come from
/// read-only calls (a search) and is shown as a prediction, never recorded.</summary>
public sealed record StepPreview(IReadOnlyList<RequestPreview> Requests, StepOutcome Predicted)
{
    /// <summary>The preview of an item that fails before any request (a template that failed, a value the service
    /// would refuse): nothing would be sent.</summary>
    public static StepPreview NothingSent(StepOutcome outcome) => new([], outcome);

    /// <summary>A preview whose outcome comes from read-only calls made for real (a search): a failure is marked
    /// "predicted: " so <c>test</c> never shows it as something that happened.</summary>
    public static StepPreview Predicting(IReadOnlyList<RequestPreview> requests, StepOutcome outcome) =>
        new(requests, outcome.Status == OutcomeStatus.Succeeded ? outcome : outcome with { Error = "predicted: " + outcome.Error });
}
