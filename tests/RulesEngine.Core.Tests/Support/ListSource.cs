using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Support;

/// <summary>An in-memory source for engine tests: rows in a list, position = how many rows were passed.</summary>
internal sealed class ListSource(IReadOnlyList<string>? fields = null) : ISource
{
    public List<Dictionary<string, string>> Rows { get; } = [];
    public int Reads { get; private set; }

    /// <summary>Hand reads back as a list that builds each item when asked (as a big source does), counting.</summary>
    public bool BuildsItemsWhenAsked { get; set; }

    /// <summary>The last read's list, when <see cref="BuildsItemsWhenAsked"/>.</summary>
    public ItemsBuiltWhenAsked? LastRead { get; private set; }

    public string PositionKey => "memory";
    public IReadOnlyList<string>? DeclaredFields { get; } = fields;

    public void Add(params (string Field, string Value)[] cells) => Rows.Add(cells.ToDictionary(c => c.Field, c => c.Value));

    public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken)
    {
        Reads++;
        var start = position is null ? 0 : int.Parse(position);
        if (BuildsItemsWhenAsked)
        {
            LastRead = new ItemsBuiltWhenAsked(Rows.Count - start, i => Item(start + i));
            return Task.FromResult(new SourceRead(LastRead));
        }
        var items = Rows.Skip(start).Select((row, i) => Item(start + i)).ToList();
        return Task.FromResult(new SourceRead(items));
    }

    public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult(Rows.Count.ToString());

    public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) =>
        Task.FromResult<SourceItem?>(Rows.Count == 0 ? null : Item((number ?? Rows.Count + 1) - 2));

    private SourceItem Item(int index) =>
        new(string.Join("|", Rows[index].Values), index + 2, Rows[index], (index + 1).ToString());
}
