using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RulesEngine.Cluster;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Issue 14, a network partition between a node and PostgreSQL, on a real server: node A's link to the database goes
/// through a relay the test cuts in the middle of A's run, right after A's call for row 3 acted and while A's write of
/// its answer is held in the cut. Node B sees A stop checking in, takes the flow's lease once A can no longer trust
/// it, resumes row 3 by its resume policy (the service says it was done) and does rows 4 to 6. Then the partition
/// heals and A's held write gets through: A must stop there, and act on no row again. Every row acts exactly once
/// (counted on the service side). One fake clock for both nodes; the database and the relay are real.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")] // a real PostgreSQL
public sealed class ClusterPartitionTests(PostgresServer postgres) : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 4, 0, 0, TimeSpan.Zero);
    private readonly RulesFolder _rules = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ConcurrentDictionary<string, int> _acted = new(StringComparer.Ordinal); // the service's own record
    private readonly ConcurrentQueue<(string Node, string Row)> _calls = new();
    private readonly TaskCompletionSource _cutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CuttableTcpLink? _link;

    public async ValueTask DisposeAsync()
    {
        _link?.Heal();
        if (_link is not null) await _link.DisposeAsync();
        _rules.Dispose();
    }

    [Fact]
    public async Task ANodeCutOffFromTheDatabase_StopsActing_WhileAnotherTakesOver_AndNoRowActsTwice()
    {
        var (database, throughLink, link) = await PartitionableDatabaseAsync();
        using var storeA = new PostgresStateStore(PostgresLocation.Parse(throughLink));
        using var storeB = new PostgresStateStore(PostgresLocation.Parse(database));
        var nodeA = new FlowRunner(storeA, _clock) { Cluster = Members(database, "node-a"), QuarantineDirectory = null };
        var nodeB = new FlowRunner(storeB, _clock) { Cluster = Members(database, "node-b"), QuarantineDirectory = null };

        // A's call for row 3 acts, then the link is cut before A can record its answer.
        var runA = Task.Run(() => nodeA.RunAsync(LoadFlow("node-a", cutAfter: "row3@x.io"), CancellationToken.None, waitForLease: false));
        var reportB = await TakeOverWhileAsWriteIsHeldAsync(runA, nodeB); // A's write of row 3's answer is stuck in the cut

        // The partition heals: A's held write gets through, and A must stop rather than go on to row 4.
        link.Heal();
        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => runA.WaitAsync(Patience));
        Assert.Contains("could not be renewed", lost.Message);

        Assert.Equal(["row1@x.io", "row2@x.io", "row3@x.io", "row4@x.io", "row5@x.io", "row6@x.io"], _acted.Keys.Order());
        Assert.All(_acted, a => Assert.True(a.Value == 1, $"{a.Key} acted {a.Value} times"));
        Assert.Equal(["row1@x.io", "row2@x.io", "row3@x.io"], _calls.Where(c => c.Node == "node-a").Select(c => c.Row));
        Assert.Equal(["row4@x.io", "row5@x.io", "row6@x.io"], _calls.Where(c => c.Node == "node-b").Select(c => c.Row));
        Assert.Equal("7", storeB.GetPosition("alerts", FixedRows.Key));
        Assert.Null(storeB.TryAcquireLease("alerts", "probe", FlowRunner.LeaseDuration, _clock.GetUtcNow())); // B released it
        Assert.DoesNotContain(storeB.ListRuns("alerts", 10), r => r.Status == RunStatus.Running);
    }

    /// <summary>
    /// The race the in-memory lease check leaves open, closed by the fence: A checks its lease (still trusted) and sends
    /// row 3's outcome and the position after it, and that write (not the answer before it, which got through) is
    /// held in the cut. B takes over, records rows 3 to 6 and moves the position to 7. When the cut heals, A's write
    /// reaches the database and must be refused there: without the fence it would move the position back to 4, and
    /// the next run would read rows 4 to 6 again.
    /// </summary>
    [Fact]
    public async Task ANodesOutcomeWriteHeldInTheCut_DoesNotLandAfterAnotherNodeTookOver()
    {
        var (database, throughLink, link) = await PartitionableDatabaseAsync();
        using var storeA = new PostgresStateStore(PostgresLocation.Parse(throughLink));
        using var storeB = new PostgresStateStore(PostgresLocation.Parse(database));
        var cutBeforeRow3sOutcome = BeforeOutcomeStore.Wrap(storeA, "row3@x.io", () =>
        {
            link.Cut();
            _cutDone.TrySetResult();
        });
        var nodeA = new FlowRunner(cutBeforeRow3sOutcome, _clock) { Cluster = Members(database, "node-a"), QuarantineDirectory = null };
        var nodeB = new FlowRunner(storeB, _clock) { Cluster = Members(database, "node-b"), QuarantineDirectory = null };

        var runA = Task.Run(() => nodeA.RunAsync(LoadFlow("node-a"), CancellationToken.None, waitForLease: false));
        var reportB = await TakeOverWhileAsWriteIsHeldAsync(runA, nodeB); // row 3's outcome is stuck in the cut
        Assert.Equal("7", storeB.GetPosition("alerts", FixedRows.Key));

        // The cut heals: A's write reaches the database, which refuses it; A stops as for a lost lease.
        link.Heal();
        var lost = await Assert.ThrowsAsync<LeaseLostException>(() => runA.WaitAsync(Patience));
        Assert.Contains("could not be renewed", lost.Message);

        Assert.Equal("7", storeB.GetPosition("alerts", FixedRows.Key));
        var runOfA = Assert.Single(storeB.ListRuns("alerts", 10), r => r.Holder.EndsWith("node node-a", StringComparison.Ordinal));
        Assert.Equal(RunStatus.Failed, runOfA.Status);
        Assert.Contains("could not be renewed", runOfA.Error);
        Assert.Equal([RowStatus.Done, RowStatus.Done, RowStatus.Started], storeB.ListRows(runOfA.Id).Select(r => r.Status));
        Assert.All(storeB.ListRows(reportB.RunId), r => Assert.Equal(reportB.RunId, r.LatestRunId));
        // Row 3 acted once, by A (B took its recorded answer); B did the rest.
        Assert.Equal(["row1@x.io", "row2@x.io", "row3@x.io"], _calls.Where(c => c.Node == "node-a").Select(c => c.Row));
        Assert.Equal(["row4@x.io", "row5@x.io", "row6@x.io"], _calls.Where(c => c.Node == "node-b").Select(c => c.Row));
        Assert.All(_acted, a => Assert.True(a.Value == 1, $"{a.Key} acted {a.Value} times"));

        // The next run finds nothing new: no row is read again.
        var next = await nodeB.RunAsync(LoadFlow("node-b"), CancellationToken.None, waitForLease: false).WaitAsync(Patience);
        Assert.Equal(RunStatus.Completed, next.Status);
        Assert.Empty(next.Items);
        Assert.Equal(0, next.AlreadyRecorded);
    }

    /// <summary>A fresh database on the real server with A's last check-in (Quartz stops hearing from A at the cut),
    /// and the connection string through the link the test can cut.</summary>
    private async Task<(string Database, string ThroughLink, CuttableTcpLink Link)> PartitionableDatabaseAsync()
    {
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("partition"));
        await ClusterSchema.MigrateAsync(database);
        await CheckInAsync(database, "node-a", Start);
        var link = _link = new CuttableTcpLink(postgres.Port); // disposed with the test
        return (database, new NpgsqlConnectionStringBuilder(database) { Port = link.Port, CommandTimeout = 300 }.ConnectionString, link);
    }

    /// <summary>Once the cut holds a write of A's run, 21 s pass (A's check-ins are 16 s late, so Quartz recovers it,
    /// and its lease is unrenewed for longer than A trusts it) and B runs the flow: it takes rows 3 to 6 over.</summary>
    private async Task<RunReport> TakeOverWhileAsWriteIsHeldAsync(Task runA, FlowRunner nodeB)
    {
        await _cutDone.Task.WaitAsync(Patience);
        await WaitUntilAsync(() => _link!.HeldRequests > 0, runA);
        Assert.False(runA.IsCompleted);

        _clock.Advance(RunLease.UnrenewedBeforeTakeover + TimeSpan.FromSeconds(1));
        var reportB = await nodeB.RunAsync(LoadFlow("node-b"), CancellationToken.None, waitForLease: false).WaitAsync(Patience);

        Assert.Equal(RunStatus.Completed, reportB.Status);
        Assert.Equal(["row3@x.io", "row4@x.io", "row5@x.io", "row6@x.io"], reportB.Items.Select(i => i.Item.Key));
        Assert.All(reportB.Items, i => Assert.Equal(RowStatus.Done, i.Status));
        return reportB;
    }

    private ClusterMembers Members(string database, string node) =>
        new(new ClusterOptions { ConnectionString = database, NodeId = node }, _clock, NullLogger.Instance);

    private static async Task WaitUntilAsync(Func<bool> condition, Task mustNotEnd)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (mustNotEnd.IsCompleted) await mustNotEnd; // surfaces its exception
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token); // polls a counter; fails after a minute
        }
    }

    private static async Task CheckInAsync(string database, string node, DateTimeOffset at)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO qrtz_scheduler_state(sched_name, instance_name, last_checkin_time, checkin_interval) VALUES (@s, @n, @t, 5000)", connection);
        command.Parameters.AddWithValue("s", ClusterOptions.SchedulerName);
        command.Parameters.AddWithValue("n", node);
        command.Parameters.AddWithValue("t", at.UtcTicks); // as Quartz.NET writes it: UTC ticks
        await command.ExecuteNonQueryAsync();
    }

    private Flow LoadFlow(string node, string? cutAfter = null)
    {
        var registry = new ConnectorRegistry();
        registry.AddSource(new StepSpec("fixed.rows", "six rows", [new FieldSpec("columns", FieldKind.Number, "unused")]), _ => new FixedRows());
        registry.AddReceiver(new StepSpec("test.alert", "acts once per row, and can look up whether it did", []),
            _ => new OnceService(this, node, cutAfter));
        var file = Path.Combine(_rules.Path, $"alerts-{node}.json");
        File.WriteAllText(file, """
            {
              "name": "alerts",
              "triggers": {"interval": 3600},
              "source": { "type": "fixed.rows", "columns": 1 },
              "batchSize": 1,
              "steps": [ { "id": "alert", "type": "test.alert" } ]
            }
            """);
        var set = new FlowLoader(registry, ConnectionsFile.Empty(registry)).Load([file]);
        Assert.True(set.Succeeded, string.Join("; ", set.Diagnostics));
        return Assert.Single(set.Flows);
    }

    private sealed class FixedRows : ISource
    {
        public const string Key = "fixed";
        private static readonly IReadOnlyList<SourceItem> Items =
            [.. Enumerable.Range(1, 6).Select(n => new SourceItem($"row{n}@x.io", n, new Dictionary<string, string> { ["Email"] = $"row{n}@x.io" }, (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        public string PositionKey => Key;
        public IReadOnlyList<string>? DeclaredFields => ["Email"];
        public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) =>
            Task.FromResult(new SourceRead([.. Items.Where(i => position is null || i.Number >= int.Parse(position, System.Globalization.CultureInfo.InvariantCulture))]));
        public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult("7");
        public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(Items[0]);
    }

    /// <summary>A service that acts once per call (an alert sent) and whose resume policy looks up whether an
    /// interrupted call acted, as HelpCrunch's create does; <paramref name="cutAfter"/>'s call cuts the link once it acted.</summary>
    private sealed class OnceService(ClusterPartitionTests test, string node, string? cutAfter) : IResumableReceiver
    {
        public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            foreach (var item in items)
            {
                var row = item.Row.Fields["Email"];
                test._acted.AddOrUpdate(row, 1, (_, n) => n + 1);
                test._calls.Enqueue((node, row));
                if (row == cutAfter)
                {
                    test._link!.Cut();
                    test._cutDone.TrySetResult();
                }
            }
            return Task.FromResult<IReadOnlyList<StepOutcome>>([.. items.Select(_ => StepOutcome.Success())]);
        }

        public Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepOutcome?>>([.. items.Select(i => test._acted.ContainsKey(i.Row.Fields["Email"]) ? StepOutcome.Success() : null)]);

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }
}
