using RulesEngine.Core.Expressions;

namespace RulesEngine.Sdk;

/// <summary>
/// Everything a condition or template can see for one item: the row, the results of earlier steps, and the run.
/// Generated code reads it; users reach it through names (<c>Email</c>, <c>update.Failed</c>, <c>Run.Link</c>).
/// </summary>
public sealed class ItemScope
{
    private readonly Dictionary<string, StepResult> _steps = new(StringComparer.Ordinal);

    /// <summary>An item with no step results yet; the engine builds these, a connector's tests build their own.</summary>
    public ItemScope(SourceRow row, RunInfo run)
    {
        Row = row;
        Run = run;
    }

    /// <summary>The source item's fields (<c>Email</c>, <c>Row.Number</c>).</summary>
    public SourceRow Row { get; }

    /// <summary>The run the item belongs to.</summary>
    public RunInfo Run { get; }

    /// <summary>The result of a step by id; <see cref="StepResult.NotRun"/> when it has not run for this item.</summary>
    public StepResult Step(string id) => _steps.TryGetValue(id, out var r) ? r : StepResult.NotRun;

    internal IReadOnlyDictionary<string, StepResult> Steps => _steps;

    /// <summary>Records what step <paramref name="id"/> came to for this item (the engine does it as steps run; a
    /// test sets earlier steps' results for a template that reads them).</summary>
    public void SetStep(string id, StepResult result) => _steps[id] = result;

    /// <summary>Notified around every evaluation for this item (a run's quarantine marker); null outside runs.</summary>
    internal IEvaluationWatch? Watch { get; set; }

    /// <summary>The item's key and the step being evaluated, for <see cref="Watch"/>'s note.</summary>
    internal string ItemKey { get; set; } = "";

    internal string CurrentStep { get; set; } = "";
}

/// <summary>One source item's fields by name. A missing field reads as "" so templates never see null.</summary>
public sealed class SourceRow
{
    /// <summary>A source item's fields; the engine builds these from a source, a connector's tests build their own.</summary>
    public SourceRow(int number, IReadOnlyDictionary<string, string> fields)
    {
        Number = number;
        Fields = fields;
    }

    /// <summary>The item's number in its source (a sheet's row number).</summary>
    public int Number { get; }

    /// <summary>Every field by name, as the source gave it.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The culture the source formats numbers and dates in (e.g. "de-DE", the spreadsheet's locale);
    /// "" is invariant. The typed reads below use it.</summary>
    public string Locale { get; init; } = "";

    /// <summary>A field's text; "" when missing.</summary>
    public string this[string field] => Fields.TryGetValue(field, out var v) ? v ?? "" : "";

    /// <summary>True when the field holds more than white space.</summary>
    public bool Has(string field) => !string.IsNullOrWhiteSpace(this[field]);

    /// <summary>True when the field is blank or missing.</summary>
    public bool IsEmpty(string field) => !Has(field);

    /// <summary>The field as a number in the row's <see cref="Locale"/>; null when blank (see
    /// <see cref="ExpressionHelpers.AsNumber"/>).</summary>
    public decimal? AsNumber(string field) => ExpressionHelpers.ParseNumber(this[field], ExpressionHelpers.Culture(Locale));

    /// <summary>The field as a date, in <paramref name="format"/> or else ISO 8601 and the row's
    /// <see cref="Locale"/>; null when blank (see <see cref="ExpressionHelpers.AsDate"/>).</summary>
    public DateTime? AsDate(string field, string? format = null) =>
        ExpressionHelpers.ParseDate(this[field], format, ExpressionHelpers.Culture(Locale));

    /// <summary>The field as a yes/no (see <see cref="ExpressionHelpers.AsBool"/>).</summary>
    public bool AsBool(string field) => this[field].AsBool();
}

/// <summary>The run an item belongs to. <see cref="Link"/> points at its record (see README: run links).</summary>
public sealed record RunInfo(string Flow, string Id, DateTimeOffset StartedAt, string Link);
