using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>
/// How a run's rows ended, counted as each row is recorded: what a run's summary needs at the end, without keeping
/// every row's report (a run over 100,000 rows would otherwise hold them all until it ends).
/// </summary>
internal sealed class RowTally
{
    /// <summary>Rows the run walked through the steps (not those earlier runs had recorded).</summary>
    public int Rows { get; private set; }

    /// <summary>Rows that need a person (see <see cref="RowAttention"/>).</summary>
    public int NeedsPerson { get; private set; }

    /// <summary>Rows with failed steps that the flow handled (an update that failed, then a create that succeeded).</summary>
    public int HandledFailures { get; private set; }

    public int Held { get; private set; }

    public int Skipped { get; private set; }

    public void Add(ItemReport row)
    {
        Rows++;
        if (row.Attention.NeedsPerson) NeedsPerson++;
        else if (row.FailedSteps > 0) HandledFailures++;
        if (row.Status == RowStatus.Held) Held++;
        if (row.Status == RowStatus.Skipped) Skipped++;
    }

    public static RowTally Of(IEnumerable<ItemReport> rows)
    {
        var tally = new RowTally();
        foreach (var row in rows) tally.Add(row);
        return tally;
    }
}
