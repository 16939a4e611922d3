using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets.Tests.Support;

/// <summary>What the engine does with a source, reduced to its contract: a journal of recorded keys the source asks
/// in bulk, items it records after each run, and the position it stores.</summary>
internal sealed class RecordingEngine(ISource source) : IRecordedItems
{
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);

    public string? Position { get; set; }

    /// <summary>How many keys each bulk question asked about, in order.</summary>
    public List<int> Lookups { get; } = [];

    /// <summary>The keys recorded as known without being processed (skipped existing rows, adopted keys).</summary>
    public List<string> Known { get; } = [];

    public IReadOnlyCollection<string> Recorded => _recorded;

    /// <summary>One run: the items not recorded before, in order; each is then recorded and the position stored.</summary>
    public async Task<List<SourceItem>> RunAsync()
    {
        var read = await source.ReadNewAsync(Position, this, CancellationToken.None);
        var fresh = new List<SourceItem>();
        foreach (var item in read.Items)
        {
            if (_recorded.Add(item.Key)) fresh.Add(item);
            Position = item.PositionAfter;
        }
        if (read.Items.Count == 0 && read.PositionWhenNoItems is { } moved) Position = moved;
        return fresh;
    }

    /// <summary>A first run with "existingRows": "skip".</summary>
    public async Task SkipExistingAsync() => Position = await source.ReadEndPositionAsync(this, CancellationToken.None);

    public void Record(string key) => _recorded.Add(key);

    public IReadOnlySet<string> FindUnrecorded(IReadOnlyCollection<string> keys)
    {
        Lookups.Add(keys.Count);
        return keys.Where(k => !_recorded.Contains(k)).ToHashSet(StringComparer.Ordinal);
    }

    public void RecordKnown(IReadOnlyCollection<string> keys)
    {
        Known.AddRange(keys);
        _recorded.UnionWith(keys);
    }
}
