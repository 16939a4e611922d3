using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// Issue 11, memory: a run takes a big source's items batch by batch from a list that builds each when asked, asks
/// keys and field names without building items, and disposes the list when it ends, however it ends.
/// </summary>
public sealed class ItemsBuiltWhenAskedTests : IDisposable
{
    private readonly string _statePath = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");
    private readonly SqliteStateStore _store;

    public ItemsBuiltWhenAskedTests() => _store = new SqliteStateStore(_statePath);

    public void Dispose() => _store.Dispose();

    private static (TestRegistry Registry, Core.Flows.Flow Flow) Flow(int rows)
    {
        var registry = new TestRegistry(["Email"]);
        registry.Answers = _ => _ => StepOutcome.Success();
        for (var i = 0; i < rows; i++) registry.Source.Add(("Email", $"p{i}@x.io"));
        registry.Source.BuildsItemsWhenAsked = true;
        return (registry, registry.LoadValid(TestFlows.UpdateCreateAlert));
    }

    [Fact]
    public async Task EachItem_IsBuiltOnce_WhenItsBatchIsTaken_AndKeysAreAskedWithoutBuildingIt()
    {
        var (registry, flow) = Flow(25);
        var builtBeforeEachCall = new List<int>();
        registry.Answers = _ => _ =>
        {
            builtBeforeEachCall.Add(registry.Source.LastRead!.Builds.Sum());
            return StepOutcome.Success();
        };

        var report = await new FlowRunner(_store) { KeepRows = false }.RunAsync(flow, CancellationToken.None);

        var read = registry.Source.LastRead!;
        Assert.Equal(25, report.Rows);
        Assert.All(read.Builds, builds => Assert.Equal(1, builds));
        Assert.Equal(25, read.KeysAsked);
        Assert.True(read.FieldNamesAsked);
        // Batches of 10: the first batch's calls see 10 items built, the second's 20, the third's 25.
        Assert.Equal([10, 20, 25], builtBeforeEachCall.Distinct());
        Assert.True(read.Disposed);
    }

    [Fact]
    public async Task ItemsRecordedBefore_OrTwiceInOneRead_ArePassedOver_AsWithAPlainList()
    {
        var (registry, flow) = Flow(3);
        await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);
        registry.Source.Add(("Email", "p1@x.io")); // the same row again: the same key
        registry.Source.Add(("Email", "new@x.io"));
        registry.Source.Add(("Email", "new@x.io"));
        var called = new List<string>();
        registry.Answers = id => scope =>
        {
            called.Add($"{id}:{scope.Row["Email"]}");
            return StepOutcome.Success();
        };

        // The list source hands back every row after the stored position; move it back to re-read them all.
        _store.SetPosition(flow.Name, flow.Source.PositionKey, "0");
        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(["update:new@x.io"], called);
        Assert.Equal(5, report.AlreadyRecorded);
        Assert.True(registry.Source.LastRead!.Disposed);
    }

    [Fact]
    public async Task TheList_IsDisposed_WhenTheRunFails()
    {
        var (registry, flow) = Flow(3);
        registry.Answers = _ => _ => throw new InvalidOperationException("the step broke");

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.True(registry.Source.LastRead!.Disposed);
        Assert.NotNull(report);
    }
}
