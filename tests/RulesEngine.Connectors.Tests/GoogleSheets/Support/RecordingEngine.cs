using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets.Tests.Support;

/// <summary>What the engine does with a source, reduced to its contract: skip recorded keys, store PositionAfter.</summary>
internal sealed class RecordingEngine(ISource source)
{
    private readonly HashSet<string> _recorded = [];

    public string? Position { get; set; }

    /// <summary>One run: the items not recorded before, in order; each is then recorded and the position stored.</summary>
    public async Task<List<SourceItem>> RunAsync()
    {
        var read = await source.ReadNewAsync(Position, CancellationToken.None);
        var fresh = new List<SourceItem>();
        foreach (var item in read.Items)
        {
            if (_recorded.Add(item.Key)) fresh.Add(item);
            Position = item.PositionAfter;
        }
        if (read.Items.Count == 0 && read.PositionWhenNoItems is { } moved) Position = moved;
        return fresh;
    }
}
