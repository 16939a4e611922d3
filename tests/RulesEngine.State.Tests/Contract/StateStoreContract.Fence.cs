using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.State.Tests.Contract;

/// <summary>A batch's outcomes written under a lease: refused, and changing nothing, once another owner holds it.</summary>
public abstract partial class StateStoreContract
{
    private static readonly TimeSpan TakeoverQuiet = TimeSpan.FromSeconds(20);

    private static ItemCompletion Ended(int number, RowStatus status = RowStatus.Done, string error = "", bool movesPosition = true) =>
        new(Item(number), status, status == RowStatus.Done ? 0 : 1, error, RowAttention.None, movesPosition ? $"pos-{number}" : null);

    [Fact]
    public void AnOutcomeWrittenUnderALease_IsRefusedAndChangesNothing_OnceAnotherOwnerTookTheLeaseOver()
    {
        // Node A runs the flow and gets as far as rows 3 and 4; its outcome write is then held up (a network cut).
        var nodeA = Open();
        Assert.Null(nodeA.TryAcquireLease(Flow, "owner-a", Ttl, T0));
        var runA = nodeA.BeginRun(Flow, T0);
        Assert.True(nodeA.CompleteItemsUnderLease(runA, Flow, Source, [Ended(1), Ended(2)], null, "owner-a"));
        nodeA.StartItems(runA, Flow, Source, [Item(3), Item(4)]);

        // Node B takes the flow over once A's lease went unrenewed, and records rows 3 to 6.
        var nodeB = Open();
        var takeover = T0 + TakeoverQuiet + TimeSpan.FromSeconds(1);
        Assert.True(nodeB.TakeOverLease(Flow, "owner-b", "owner-a", Ttl, takeover, TakeoverQuiet));
        var runB = nodeB.BeginRun(Flow, takeover);
        nodeB.StartItems(runB, Flow, Source, [Item(3), Item(4), Item(5), Item(6)]);
        Assert.True(nodeB.CompleteItemsUnderLease(runB, Flow, Source, [Ended(3), Ended(4), Ended(5), Ended(6)], null, "owner-b"));

        // A's held write arrives: it would move the position back to row 4 and overwrite row 3's outcome.
        Assert.False(nodeA.CompleteItemsUnderLease(runA, Flow, Source,
            [Ended(3, RowStatus.Error, "HelpCrunch 400"), Ended(4, RowStatus.Held, "no answer", movesPosition: false)], "pos-4", "owner-a"));

        var reader = Open();
        Assert.Equal("pos-6", reader.GetPosition(Flow, Source));
        var rowsOfB = reader.ListRows(runB);
        Assert.All(rowsOfB, r => Assert.Equal(RowStatus.Done, r.Status));
        Assert.All(rowsOfB, r => Assert.Equal(runB, r.LatestRunId));
        Assert.Equal([RowStatus.Done, RowStatus.Done, RowStatus.Started, RowStatus.Started], reader.ListRows(runA).Select(r => r.Status));
        Assert.Empty(reader.FindUnrecordedItems(Flow, Source, ["row-3", "row-4", "row-5", "row-6"]));
    }

    [Fact]
    public void AnOutcomeWrittenUnderALease_IsWrittenWhileItsOwnerHoldsIt_AndRefusedOnceReleased()
    {
        var store = Open();
        Assert.Null(store.TryAcquireLease(Flow, "owner-a", Ttl, T0));
        var runId = store.BeginRun(Flow, T0);

        // The position after rows passed over (recorded earlier) comes after the items' own.
        Assert.True(store.CompleteItemsUnderLease(runId, Flow, Source, [Ended(2), Ended(3, RowStatus.Held, "no answer", movesPosition: false)], "pos-5", "owner-a"));
        Assert.Equal("pos-5", Open().GetPosition(Flow, Source));
        Assert.Equal(RowStatus.Held, Open().ListRows(runId).Single(r => r.Key == "row-3").Status);

        Assert.True(store.CompleteItemsUnderLease(runId, Flow, Source, [Ended(6)], null, "owner-a"));
        Assert.Equal("pos-6", Open().GetPosition(Flow, Source));

        store.ReleaseLease(Flow, "owner-a");
        Assert.False(store.CompleteItemsUnderLease(runId, Flow, Source, [Ended(7)], "pos-9", "owner-a"));
        Assert.Equal("pos-6", Open().GetPosition(Flow, Source));
        Assert.False(Open().IsItemRecorded(Flow, Source, "row-7"));
        Assert.False(Open().CompleteItemsUnderLease(runId, "other-flow", Source, [Ended(8)], null, "owner-a")); // no lease at all
        Assert.False(Open().IsItemRecorded("other-flow", Source, "row-8"));
    }
}
