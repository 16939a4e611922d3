using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HttpApi.Tests.Support;

/// <summary>A source type ("test.rows") serving the rows a test adds, so a flow runs end to end like a user's.</summary>
internal sealed class RowsSource(IReadOnlyList<string> fields, IReadOnlyList<Dictionary<string, string>> rows) : ISource
{
    public const string Type = "test.rows";

    public static readonly StepSpec Spec = new(Type, "rows given by the test", [new FieldSpec("fields", FieldKind.TextList, "field names")]);

    public string PositionKey => "test";
    public IReadOnlyList<string>? DeclaredFields => fields;

    public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken)
    {
        var start = position is null ? 0 : int.Parse(position, System.Globalization.CultureInfo.InvariantCulture);
        IReadOnlyList<SourceItem> items = [.. rows.Skip(start).Select((row, i) => Item(row, start + i))];
        return Task.FromResult(new SourceRead(items));
    }

    public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult(rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(null);

    private static SourceItem Item(Dictionary<string, string> row, int index) =>
        new(string.Join("|", row.Values), index + 2, row, (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
}
