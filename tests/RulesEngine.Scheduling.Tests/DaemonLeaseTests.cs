using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// One scheduling daemon per SQLite state file (issue 14/4): two daemons in this test process share a real state file
/// and a fake clock. Their holders name this live process, so only a release or an expired lease frees the lease
/// here; a dead holder's pid is covered by <see cref="StandbyDaemonTests"/> with real processes and kill -9.
/// </summary>
public sealed class DaemonLeaseTests : IDisposable
{
    private readonly RulesFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(SchedulerBed.Start);
    private readonly SqliteStateStore _store;

    public DaemonLeaseTests() => _store = new SqliteStateStore(Path.Combine(_folder.Path, "state.db"));

    public void Dispose()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    private DaemonLease NewDaemon(CollectingLogger log) => new(_store, _clock, log, "state.db");

    [Fact]
    public async Task SecondDaemon_WaitsAsStandby_NamingTheHolder_AndTakesOverWhenTheFirstStops()
    {
        var first = NewDaemon(new CollectingLogger());
        await first.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        var standbyLog = new CollectingLogger();
        var second = NewDaemon(standbyLog);
        var acquiring = second.AcquireAsync(CancellationToken.None);
        await standbyLog.WaitForAsync("Standby: another serve daemon schedules the flows of state.db (pid " + Environment.ProcessId + " on " + Environment.MachineName);
        Assert.False(acquiring.IsCompleted);

        first.Release();
        await AdvanceUntilAsync(acquiring);
        Assert.Contains(standbyLog.Messages, m => m.StartsWith("Took over scheduling of state.db", StringComparison.Ordinal));
        Assert.Single(standbyLog.Messages, m => m.StartsWith("Standby", StringComparison.Ordinal)); // said once, not every second
    }

    [Fact]
    public async Task AHolderThatStopsRenewing_IsTakenOver_OnlyOnceItsLeaseExpired()
    {
        // The first daemon acquires and then never renews: a stalled process, or one on a machine whose pid cannot be checked.
        await NewDaemon(new CollectingLogger()).AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        var standbyLog = new CollectingLogger();
        var acquiring = NewDaemon(standbyLog).AcquireAsync(CancellationToken.None);
        await standbyLog.WaitForAsync("Standby");

        await AdvanceUntilAsync(acquiring);
        Assert.True(_clock.GetUtcNow() - SchedulerBed.Start >= DaemonLease.Duration,
            $"taken over after {(_clock.GetUtcNow() - SchedulerBed.Start).TotalSeconds} s, before the {DaemonLease.Duration.TotalSeconds} s lease expired");
    }

    [Fact]
    public async Task Holder_RenewsItsLease_SoAStandbyNeverTakesOverALiveDaemon()
    {
        var first = NewDaemon(new CollectingLogger());
        await first.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        using var stop = new CancellationTokenSource();
        var holding = first.HoldAsync(stop.Token);
        var standbyLog = new CollectingLogger();
        var acquiring = NewDaemon(standbyLog).AcquireAsync(CancellationToken.None);
        await standbyLog.WaitForAsync("Standby");

        // Four lease durations pass, a renewal period at a time; each renewal is seen in the store before the clock
        // moves on, so the standby (polling every second of the same clock) only ever sees a live lease.
        for (var renewals = 0; renewals < 4 * DaemonLease.Duration / DaemonLease.RenewEvery; renewals++)
        {
            _clock.Advance(DaemonLease.RenewEvery);
            var expected = _clock.GetUtcNow() + DaemonLease.Duration;
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            while (LeaseExpiry() != expected)
            {
                Assert.False(holding.IsCompleted, "the holder stopped holding");
                Assert.True(DateTime.UtcNow < deadline, $"the lease was not renewed to {expected:O} (it expires {LeaseExpiry():O})");
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
            Assert.False(acquiring.IsCompleted, "the standby took over a live daemon");
        }
        await stop.CancelAsync();
        Assert.True(await holding.WaitAsync(TimeSpan.FromMinutes(1)));
        first.Release();
        await AdvanceUntilAsync(acquiring);
    }

    [Fact]
    public async Task Holder_WhoseLeaseWasTaken_StopsHolding()
    {
        var log = new CollectingLogger();
        var holder = NewDaemon(log);
        await holder.AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        var holding = holder.HoldAsync(CancellationToken.None);
        // Another daemon takes it, as it would from a holder that stalled past its lease.
        Assert.True(_store.TakeOverLease(DaemonLease.Name, "pid 1 on elsewhere (started 1), abcdef", holder.Owner, DaemonLease.Duration, _clock.GetUtcNow()));

        while (!holding.IsCompleted)
        {
            _clock.Advance(DaemonLease.RenewEvery);
            await Task.WhenAny(holding, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }
        Assert.False(await holding);
        await log.WaitForAsync("Lost the scheduling of state.db to another daemon (pid 1 on elsewhere");
    }

    [Fact]
    public async Task Standby_StoppedWhileWaiting_EndsWithoutTakingTheLease()
    {
        await NewDaemon(new CollectingLogger()).AcquireAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        var log = new CollectingLogger();
        var standby = NewDaemon(log);
        using var stop = new CancellationTokenSource();
        var acquiring = standby.AcquireAsync(stop.Token);
        await log.WaitForAsync("Standby");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acquiring.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.NotEqual(standby.Owner, _store.TryAcquireLease(DaemonLease.Name, "probe", DaemonLease.Duration, _clock.GetUtcNow()));
    }

    private DateTimeOffset LeaseExpiry()
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_folder.Path, "state.db")};Pooling=False");
        db.Open();
        using var read = db.CreateCommand();
        read.CommandText = "SELECT expires_at FROM leases WHERE flow=$flow";
        read.Parameters.AddWithValue("$flow", DaemonLease.Name);
        return DateTimeOffset.Parse((string)read.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Moves the fake clock a poll at a time until the standby has the lease (bounded: ten minutes of fake
    /// time, a minute of real time).</summary>
    private async Task AdvanceUntilAsync(Task acquiring)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        for (var polls = 0; !acquiring.IsCompleted; polls++)
        {
            Assert.True(polls < 600 && DateTime.UtcNow < deadline, "the standby never took over");
            _clock.Advance(DaemonLease.PollEvery);
            await Task.WhenAny(acquiring, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }
        await acquiring;
    }
}
