using NJsonSchema;
using NJsonSchema.Validation;

namespace RulesEngine.Editing.Tests.Support;

/// <summary>The committed schema, read by an independent validator (NJsonSchema), as an editor would read it.</summary>
internal static class FlowSchema
{
    private static readonly Lazy<Task<JsonSchema>> Committed = new(() => JsonSchema.FromFileAsync(Repo.SchemaFile));

    public static async Task<ICollection<ValidationError>> ValidateAsync(string flowJson) =>
        (await Committed.Value).Validate(flowJson);

    public static async Task<ICollection<ValidationError>> ValidateWithAsync(string schemaJson, string flowJson) =>
        (await JsonSchema.FromJsonAsync(schemaJson)).Validate(flowJson);

    /// <summary>Errors with their nested causes (oneOf reports which alternative failed where), for assertion messages.</summary>
    public static string Describe(IEnumerable<ValidationError> errors) =>
        string.Join("\n", errors.SelectMany(Flatten));

    private static IEnumerable<string> Flatten(ValidationError error)
    {
        yield return $"{error.Kind} at {error.Path} (line {error.LineNumber})";
        if (error is ChildSchemaValidationError child)
            foreach (var inner in child.Errors.SelectMany(e => e.Value).SelectMany(Flatten))
                yield return "  " + inner;
    }
}
