namespace RulesEngine.Core.Running;

/// <summary>What a run keeps of its rows while it runs: always the counts, every report only when asked
/// (<see cref="FlowRunner.KeepRows"/>).</summary>
internal sealed class RunRows(bool keep)
{
    private readonly RowTally _tally = new();
    private readonly List<ItemReport>? _kept = keep ? [] : null;

    public void Add(ItemReport row)
    {
        _tally.Add(row);
        _kept?.Add(row);
    }

    /// <summary>The run's report with these rows: the counts, and the reports when kept.</summary>
    public RunReport Report(RunReport report) => report with { Items = _kept ?? [], Tally = _tally };
}
