using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email.Tests.Support;

/// <summary>A source type ("test.rows") whose items the test hands in, so a step is loaded from flow JSON like users write it.</summary>
internal sealed class RowsSource(IReadOnlyList<string> fields) : ISource
{
    public const string Type = "test.rows";

    public static readonly StepSpec Spec = new(Type, "rows given by the test", [new FieldSpec("fields", FieldKind.TextList, "field names")]);

    public string PositionKey => "test";
    public IReadOnlyList<string>? DeclaredFields => fields;

    public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) => Task.FromResult(new SourceRead([]));
    public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult("");
    public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(null);
}
