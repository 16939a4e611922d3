using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Everything a condition or template can see for one item: the row, the results of earlier steps, and the run.
/// Generated code reads it; users reach it through names (<c>Email</c>, <c>update.Failed</c>, <c>Run.Link</c>).
/// </summary>
public sealed class ItemScope
{
    private readonly Dictionary<string, StepResult> _steps = new(StringComparer.Ordinal);

    public ItemScope(SourceRow row, RunInfo run)
    {
        Row = row;
        Run = run;
    }

    public SourceRow Row { get; }
    public RunInfo Run { get; }

    /// <summary>The result of a step by id; <see cref="StepResult.NotRun"/> when it has not run for this item.</summary>
    public StepResult Step(string id) => _steps.TryGetValue(id, out var r) ? r : StepResult.NotRun;

    public IReadOnlyDictionary<string, StepResult> Steps => _steps;

    public void SetStep(string id, StepResult result) => _steps[id] = result;
}

/// <summary>One source item's fields by name. A missing field reads as "" so templates never see null.</summary>
public sealed class SourceRow(int number, IReadOnlyDictionary<string, string> fields)
{
    public int Number { get; } = number;
    public IReadOnlyDictionary<string, string> Fields { get; } = fields;

    public string this[string field] => Fields.TryGetValue(field, out var v) ? v ?? "" : "";

    public bool Has(string field) => !string.IsNullOrWhiteSpace(this[field]);
}

/// <summary>The run an item belongs to. <see cref="Link"/> points at its record (see README: run links).</summary>
public sealed record RunInfo(string Flow, string Id, DateTimeOffset StartedAt, string Link);
