using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Sdk;

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

    [Fact]
    public void AMarkerIsClearedForARun_OnlyWhileThatRunWroteIt()
    {
        // A marked its call, found it certainly had no effect, and sent the clear, which was held up in a network cut.
        var nodeA = Open();
        var runA = nodeA.BeginRun(Flow, T0);
        nodeA.MarkInFlight(runA, Flow, Source, "row-3", "create", T0, "called");
        // B took the row over, resumed A's marker and marked its own call, which acted; A's clear arrives now.
        var nodeB = Open();
        var runB = nodeB.BeginRun(Flow, T0.AddSeconds(21));
        nodeB.MarkInFlight(runB, Flow, Source, "row-3", "create", T0.AddSeconds(22), "called");

        nodeA.ClearInFlight(Flow, Source, "row-3", "create", writtenByRun: runA);

        Assert.Equal(runB, Open().GetInFlight(Flow, Source, "row-3")["create"].RunId); // B's marker stays: a crash of B resumes it
        nodeB.ClearInFlight(Flow, Source, "row-3", "create", writtenByRun: runB);
        Assert.Empty(Open().GetInFlight(Flow, Source, "row-3"));

        nodeA.MarkInFlight(runA, Flow, Source, "row-4", "create", T0, "called");
        nodeA.ClearInFlight(Flow, Source, "row-4", "create", writtenByRun: runA);
        Assert.Empty(Open().GetInFlight(Flow, Source, "row-4"));
    }

    [Fact]
    public void ARunsJournal_ClearsOnlyTheMarkerItsOwnRunWrote()
    {
        var nodeA = Open();
        var runA = nodeA.BeginRun(Flow, T0);
        var journalA = new StoreJournal(nodeA, runA, Flow, Source, TimeProvider.System);
        var row = Item(3);
        var itemA = new ItemRun(row, row.ToScope(new RunInfo(Flow, runA, T0, "")), new Dictionary<string, RecordedStep>());
        journalA.MarkInFlight(itemA, "create", "called");
        // Another run took the row over and marked its own call before A's clear (its call certainly had no effect) arrived.
        var runB = Open().BeginRun(Flow, T0.AddSeconds(21));
        Open().MarkInFlight(runB, Flow, Source, "row-3", "create", T0.AddSeconds(22), "called");

        journalA.ClearInFlight(itemA, "create");

        Assert.Equal(runB, Open().GetInFlight(Flow, Source, "row-3")["create"].RunId);
    }
}
