using Microsoft.Data.Sqlite;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>Issue 14/3, the Core side: a cluster node's leases name the node, and a run takes over a lease whose node
/// the cluster says has left (whatever machine it was on), never one whose node is alive or that names no node.</summary>
public sealed class ClusterLeaseHolderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private const string OnAnotherMachine = "pid 977 on web2-elsewhere (started 638000000000000000), 9d8e7f";

    public void Dispose() => SqliteConnection.ClearAllPools();

    [Fact]
    public void AHolderOfANode_NamesIt_AndOtherHoldersNameNone()
    {
        Assert.Equal("web1-4242-1a2b3c", LeaseHolder.NodeOf(LeaseHolder.ForThisProcess("web1-4242-1a2b3c")));
        Assert.Null(LeaseHolder.NodeOf(LeaseHolder.ForThisProcess()));
        Assert.Null(LeaseHolder.NodeOf("(serve daemon) node x"));
        Assert.StartsWith($"pid {Environment.ProcessId} on {Environment.MachineName}, started ", LeaseHolder.Describe(LeaseHolder.ForThisProcess("n1")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeaseOfANodeThatLeft_IsTakenOver_AndItsRunMarkedInterrupted()
    {
        using var store = new SqliteStateStore(_path);
        var flow = new TestRegistry().LoadValid(TestFlows.UpdateCreateAlert);
        var holder = OnAnotherMachine + ", node web2-977-9d8e7f";
        // Last renewed longer ago than its holder trusts a renewal: a holder still running has stopped acting.
        var renewed = Now - RunLease.UnrenewedBeforeTakeover - TimeSpan.FromSeconds(1);
        Assert.Null(store.TryAcquireLease(flow.Name, holder, FlowRunner.LeaseDuration, renewed));
        var cut = store.BeginRun(flow.Name, renewed, holder);
        var members = new Members("web1-1-aaaaaa", gone: "web2-977-9d8e7f");

        await new FlowRunner(store) { Cluster = members }.RunAsync(flow, CancellationToken.None, waitForLease: false);

        Assert.Equal(["web2-977-9d8e7f"], members.Asked);
        Assert.Equal(RunStatus.Interrupted, store.GetRun(cut)!.Status);
    }

    [Fact]
    public async Task ALeaseOfANodeThatLeft_ButRenewedWithinTheTrust_IsNotTakenOver()
    {
        using var store = new SqliteStateStore(_path);
        var flow = new TestRegistry().LoadValid(TestFlows.UpdateCreateAlert);
        var holder = OnAnotherMachine + ", node web2-977-9d8e7f";
        // Renewed a moment ago: its node is cut off from Quartz, say, but the run may still be acting.
        Assert.Null(store.TryAcquireLease(flow.Name, holder, FlowRunner.LeaseDuration, DateTimeOffset.UtcNow));

        await Assert.ThrowsAsync<FlowBusyException>(() =>
            new FlowRunner(store) { Cluster = new Members("web1-1-aaaaaa", gone: "web2-977-9d8e7f") }.RunAsync(flow, CancellationToken.None, waitForLease: false));
    }

    [Theory]
    [InlineData(", node web2-977-9d8e7f", "web3-1-bbbbbb")] // the node is alive
    [InlineData("", "web2-977-9d8e7f")]                     // a CLI run or a one-machine daemon: no node to ask about
    public async Task ALeaseOfALiveNodeOrOfNoNode_IsNotTakenOver(string node, string gone)
    {
        using var store = new SqliteStateStore(_path);
        var flow = new TestRegistry().LoadValid(TestFlows.UpdateCreateAlert);
        Assert.Null(store.TryAcquireLease(flow.Name, OnAnotherMachine + node, FlowRunner.LeaseDuration, Now));

        await Assert.ThrowsAsync<FlowBusyException>(() =>
            new FlowRunner(store) { Cluster = new Members("web1-1-aaaaaa", gone) }.RunAsync(flow, CancellationToken.None, waitForLease: false));
    }

    private sealed class Members(string self, string gone) : IClusterMembers
    {
        public List<string> Asked { get; } = [];
        public string NodeId => self;

        public Task<bool> HasLeftAsync(string nodeId, CancellationToken cancellationToken)
        {
            Asked.Add(nodeId);
            return Task.FromResult(nodeId == gone);
        }
    }
}
