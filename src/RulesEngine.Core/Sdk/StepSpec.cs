namespace RulesEngine.Sdk;

/// <summary>How a step setting is written and checked.</summary>
public enum FieldKind
{
    /// <summary>Literal text, no placeholders (an id, a name, an enum value).</summary>
    Text,
    /// <summary>Text with <c>{placeholders}</c>: field names or C# expressions.</summary>
    Template,
    /// <summary>A C# boolean expression.</summary>
    Condition,
    /// <summary>An object whose string leaves are templates (a field mapping).</summary>
    Mapping,
    /// <summary>A list of literal strings.</summary>
    TextList,
    /// <summary>A JSON number.</summary>
    Number,
    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>One setting of a step type: feeds loading, validation, <c>list</c> and the JSON schema.</summary>
public sealed record FieldSpec(
    string Name,
    FieldKind Kind,
    string Description,
    bool Required = false,
    IReadOnlyList<string>? AllowedValues = null,
    string? Example = null);

/// <summary>
/// The declared shape of a step or source type, kept beside its code. <see cref="ConnectionType"/> is the
/// connection type the step's <c>connection</c> must name (null when it needs none).
/// </summary>
public sealed record StepSpec(
    string Type,
    string Summary,
    IReadOnlyList<FieldSpec> Fields,
    string? ConnectionType = null)
{
    /// <summary>Names every step has, whatever its type.</summary>
    public static readonly IReadOnlyList<string> CommonFields = ["id", "type", "connection", "comment", "$comment"];

    /// <summary>The load errors the step type reports itself (beyond the engine's RE02xx for settings in general): each
    /// code means one thing across all connectors, and docs/receivers.md lists it (a convention test checks both).</summary>
    public IReadOnlyList<StepError> Errors { get; init; } = [];

    /// <summary>The declared field of that name, or null.</summary>
    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>An error code a step type reports when its settings are wrong, and what it means.</summary>
public sealed record StepError(string Code, string Meaning);
