using RulesEngine.Core.State;

namespace RulesEngine.State.Tests.Contract;

/// <summary>Positions, leases and switches.</summary>
public abstract partial class StateStoreContract
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    [Fact]
    public void PositionsAreKeptPerFlowAndSource()
    {
        var store = Open();
        Assert.Null(store.GetPosition(Flow, Source));
        store.SetPosition(Flow, Source, "row 10");
        store.SetPosition(Flow, "another-source", "row 3");
        store.SetPosition(Flow, Source, "row 12");

        var reader = Open();
        Assert.Equal("row 12", reader.GetPosition(Flow, Source));
        Assert.Equal("row 3", reader.GetPosition(Flow, "another-source"));
        Assert.Null(reader.GetPosition("other", Source));
    }

    [Fact]
    public void ALeaseIsHeldByOneOwnerUntilItExpiresOrIsReleased()
    {
        var first = Open();
        var second = Open();

        Assert.Null(first.TryAcquireLease(Flow, "owner-a", Ttl, T0));
        Assert.Equal("owner-a", second.TryAcquireLease(Flow, "owner-b", Ttl, T0.AddMinutes(1)));
        Assert.Null(first.TryAcquireLease(Flow, "owner-a", Ttl, T0.AddMinutes(1))); // the holder takes it again
        Assert.Null(second.TryAcquireLease("other", "owner-b", Ttl, T0)); // leases are per flow

        first.RenewLease(Flow, "owner-a", Ttl, T0.AddMinutes(2)); // now held until T0+4
        Assert.Equal("owner-a", second.TryAcquireLease(Flow, "owner-b", Ttl, T0.AddMinutes(3.5)));
        second.RenewLease(Flow, "owner-b", Ttl, T0.AddMinutes(10)); // renewing someone else's lease does nothing
        Assert.Null(second.TryAcquireLease(Flow, "owner-b", Ttl, T0.AddMinutes(4))); // expired: taken

        second.ReleaseLease(Flow, "owner-a"); // not the holder: nothing happens
        Assert.Equal("owner-b", first.TryAcquireLease(Flow, "owner-a", Ttl, T0.AddMinutes(4)));
        second.ReleaseLease(Flow, "owner-b");
        Assert.Null(first.TryAcquireLease(Flow, "owner-a", Ttl, T0.AddMinutes(4)));
    }

    [Fact]
    public void ALeaseIsTakenOverOnlyFromTheHolderNamedAsDead()
    {
        var store = Open();
        Assert.Null(store.TryAcquireLease(Flow, "dead-owner", Ttl, T0));

        Assert.False(Open().TakeOverLease(Flow, "owner-b", "someone-else", Ttl, T0));
        Assert.True(Open().TakeOverLease(Flow, "owner-b", "dead-owner", Ttl, T0));

        Assert.Equal("owner-b", Open().TryAcquireLease(Flow, "owner-c", Ttl, T0.AddMinutes(1)));
        Assert.False(Open().TakeOverLease("no-lease", "owner-b", "dead-owner", Ttl, T0));
    }

    [Fact]
    public void ARenewalSaysWhetherTheLeaseIsStillOurs()
    {
        var holder = Open();
        var other = Open();
        Assert.Null(holder.TryAcquireLease(Flow, "owner-a", Ttl, T0));

        Assert.True(holder.RenewLease(Flow, "owner-a", Ttl, T0.AddMinutes(1)));
        Assert.False(other.RenewLease(Flow, "owner-b", Ttl, T0.AddMinutes(1))); // not the holder
        Assert.True(holder.RenewLease(Flow, "owner-a", Ttl, T0.AddMinutes(5))); // expired, but nobody took it: still ours

        Assert.True(other.TakeOverLease(Flow, "owner-b", "owner-a", Ttl, T0.AddMinutes(6)));
        Assert.False(holder.RenewLease(Flow, "owner-a", Ttl, T0.AddMinutes(6))); // taken over: the holder must stop
        Assert.Equal("owner-b", holder.TryAcquireLease(Flow, "owner-a", Ttl, T0.AddMinutes(6))); // and the failed renewal changed nothing

        other.ReleaseLease(Flow, "owner-b");
        Assert.False(other.RenewLease(Flow, "owner-b", Ttl, T0.AddMinutes(7))); // released: nothing to renew
        Assert.False(holder.RenewLease("no-lease", "owner-a", Ttl, T0));
    }

    [Fact]
    public void ALeaseIsTakenOverFromAHolderKnownGoneOnlyOnceItStoppedRenewing()
    {
        var quiet = TimeSpan.FromSeconds(20);
        Assert.Null(Open().TryAcquireLease(Flow, "silent", Ttl, T0)); // expires T0 + 2 min

        Assert.False(Open().TakeOverLease(Flow, "taker", "silent", Ttl, T0.AddSeconds(19), quiet));
        Assert.True(Open().RenewLease(Flow, "silent", Ttl, T0.AddSeconds(15))); // still renewing
        Assert.False(Open().TakeOverLease(Flow, "taker", "silent", Ttl, T0.AddSeconds(34), quiet));
        Assert.Equal("silent", Open().TryAcquireLease(Flow, "taker", Ttl, T0.AddSeconds(34)));

        Assert.True(Open().TakeOverLease(Flow, "taker", "silent", Ttl, T0.AddSeconds(35), quiet));
        Assert.True(Open().TakeOverLease(Flow, "taker", "silent", Ttl, T0.AddSeconds(35), quiet)); // a retry of the same takeover
        Assert.False(Open().RenewLease(Flow, "silent", Ttl, T0.AddSeconds(36)));
        Assert.Equal("taker", Open().TryAcquireLease(Flow, "silent", Ttl, T0.AddSeconds(36)));
        Assert.False(Open().TakeOverLease(Flow, "third", "silent", Ttl, T0.AddMinutes(1), quiet)); // not the holder any more
    }

    [Fact]
    public async Task OwnersRacingForAFreeLeaseLeaveExactlyOneHolder()
    {
        var stores = Enumerable.Range(0, 6).Select(_ => Open()).ToList();
        using var start = new Barrier(stores.Count);
        var results = await Task.WhenAll(stores.Select((store, i) => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(60));
            return (Owner: $"owner-{i}", Holder: store.TryAcquireLease(Flow, $"owner-{i}", Ttl, T0));
        })));

        var winners = results.Where(r => r.Holder is null).ToList();
        var winner = Assert.Single(winners).Owner;
        Assert.All(results.Where(r => r.Holder is not null), r => Assert.Equal(winner, r.Holder));
    }

    [Fact]
    public void FlowsAreOnUntilSwitchedOff()
    {
        var store = Open();
        Assert.True(store.IsEnabled(Flow));
        store.SetEnabled(Flow, false, T0);
        Assert.False(Open().IsEnabled(Flow));
        Assert.True(Open().IsEnabled("other"));
        store.SetEnabled(Flow, true, T0.AddMinutes(1));
        Assert.True(Open().IsEnabled(Flow));
    }
}
