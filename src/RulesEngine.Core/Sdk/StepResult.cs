namespace RulesEngine.Sdk;

/// <summary>
/// What conditions and templates see of an earlier step (<c>update.Failed</c>, <c>create.Error</c>).
/// A step that did not run is neither success nor failure: <see cref="Result"/> is null, so
/// <c>update.Result == 0</c> and <c>update.Failed</c> are both false for it.
/// </summary>
public sealed class StepResult
{
    private static readonly IReadOnlyDictionary<string, string> NoOutput = new Dictionary<string, string>();

    /// <summary>The result of a step that was not reached for this item (an If branch not taken).</summary>
    public static StepResult NotRun { get; } = new(false, null, "", NoOutput);

    /// <summary>What a step came to for one item (the engine records these; tests of templates that read earlier steps build them).</summary>
    public StepResult(bool ran, int? result, string error, IReadOnlyDictionary<string, string>? output = null)
    {
        Ran = ran;
        Result = result;
        Error = error ?? "";
        Output = output ?? NoOutput;
    }

    /// <summary>True when the step ran (whatever its result).</summary>
    public bool Ran { get; }

    /// <summary>Execution result: 1 when the step did its job, 0 when it did not, null when it did not run.
    /// For an If block: its logical result (1 when the condition held).</summary>
    public int? Result { get; }

    /// <summary>Errors during execution: the error text, empty on success and when the step did not run.</summary>
    public string Error { get; }

    /// <summary>What the step returned, e.g. <c>contactId</c>. Empty when it did not run.</summary>
    public IReadOnlyDictionary<string, string> Output { get; }

    /// <summary>True when the step ran and did its job.</summary>
    public bool Succeeded => Result == 1;

    /// <summary>True when the step ran and did not do its job (false when it did not run).</summary>
    public bool Failed => Result == 0;

    /// <summary>An output value by name, or "" when absent.</summary>
    public string this[string key] => Output.TryGetValue(key, out var v) ? v : "";

    /// <summary>For logs: the result and error, or "not run".</summary>
    public override string ToString() => Ran ? $"Result={Result} Error={Error}" : "not run";
}
