using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.State.Tests.Contract;

/// <summary>The web console's paged reads: the same slices and counts from every store.</summary>
public abstract partial class StateStoreContract
{
    [Fact]
    public void ThePagedReadsOfTheConsole_GiveTheSameSlicesAndCounts()
    {
        var store = Open();
        var oldest = store.BeginRun(Flow, T0);
        var middle = store.BeginRun(Flow, T0.AddSeconds(1));
        var run = store.BeginRun(Flow, T0.AddSeconds(2));
        store.StartItems(run, Flow, Source, [Item(1), Item(2), Item(3), Item(4), Item(5)]);
        store.CompleteItem(run, Flow, Source, Item(1), RowStatus.Done, 0, "", RowAttention.None, null);
        store.CompleteItem(run, Flow, Source, Item(2), RowStatus.Held, 0, "no answer", new RowAttention("held: no answer"), null);
        store.CompleteItem(run, Flow, Source, Item(3), RowStatus.Error, 0, "boom", new RowAttention("error: boom"), null);
        store.CompleteItem(run, Flow, Source, Item(4), RowStatus.Done, 1, "", new RowAttention("alert: delivery unknown"), null);
        store.CompleteItem(run, Flow, Source, Item(5), RowStatus.Done, 0, "", RowAttention.None, null);

        var reader = Open();
        Assert.Equal([middle], reader.ListRuns(Flow, 1, 1).Select(r => r.Id));
        Assert.Equal([oldest], reader.ListRuns(null, 2, 5).Select(r => r.Id));
        Assert.Equal([2, 3], reader.ListRows(run, 1, 2, needsPersonOnly: false).Select(r => r.Number));
        Assert.Equal([2, 3, 4], reader.ListRows(run, 0, 10, needsPersonOnly: true).Select(r => r.Number));
        Assert.Equal(new OpenRowCounts(3, 1, 1), reader.CountOpenRows(Flow));
        Assert.Equal([3, 4], reader.ListOpenRows(Flow, 1, 5).Select(r => r.Number));

        // A later run that delivers the held row: it no longer needs a person, and the counts follow at once.
        var later = store.BeginRun(Flow, T0.AddSeconds(3));
        store.StartItems(later, Flow, Source, [Item(2)]);
        store.CompleteItem(later, Flow, Source, Item(2), RowStatus.Done, 0, "", RowAttention.None, null);
        Assert.Equal(new OpenRowCounts(2, 0, 1), Open().CountOpenRows(Flow));
        Assert.Equal([3, 4], Open().ListOpenRows(Flow, 0, 10).Select(r => r.Number));
    }
}
