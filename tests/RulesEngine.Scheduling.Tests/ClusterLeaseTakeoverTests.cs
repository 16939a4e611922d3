using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using RulesEngine.Cluster;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Issue 14/3: a run cut by a node that died on another machine (its pid cannot be checked from here) is taken over by
/// the next run on any node as soon as Quartz's check-ins say the node is gone and the lease went unrenewed for
/// <see cref="RunLease.UnrenewedBeforeTakeover"/>, not when its 2-minute flow lease expires, and its interrupted rows
/// resume from the journal; a holder whose node still checks in, or that renewed its lease recently, keeps it.
/// The other node is simulated in the database: its check-in row in <c>qrtz_scheduler_state</c>, its lease, its run.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")] // a real PostgreSQL
public sealed class ClusterLeaseTakeoverTests(PostgresServer postgres) : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
    private const string OtherNode = "web2-977-9d8e7f";
    private const string OtherHolder = "pid 977 on web2 (started 638000000000000000), 9d8e7f, node " + OtherNode;

    private readonly RulesFolder _rules = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public void Dispose() => _rules.Dispose();

    [Fact]
    public async Task ARunCutByANodeThatStoppedCheckingIn_IsTakenOverAtOnce_AndItsRowsResume()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        // The other node checked in 16 s ago with a 5 s interval: past the 10 s threshold, so Quartz recovers it.
        await CheckInAsync(database, OtherNode, Start - TimeSpan.FromSeconds(16));
        var cut = CutRunOfTheOtherNode(store, flow);

        var result = await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        Assert.Equal(RunOutcome.Finished, result.Outcome);
        Assert.Equal(RunStatus.Interrupted, store.GetRun(cut)!.Status);
        // The daemon's report keeps only counts; the rows are read from the run's history, as the console reads them.
        var rows = store.ListRows(result.Report!.RunId).ToDictionary(r => r.Key, r => r.Status);
        Assert.Equal(2, result.Report.Rows);
        Assert.Equal(RowStatus.Done, rows["a@x.io"]);
        Assert.Equal(RowStatus.Done, rows["b@x.io"]);
        Assert.False(_calls.ContainsKey("a@x.io"), "a@x.io's call was recorded by the cut run: replayed from the journal, not made again");
        Assert.Equal(1, _calls.GetValueOrDefault("b@x.io"));
    }

    [Fact]
    public async Task ALeaseWhoseNodeWasRecoveredByTheCluster_IsTakenOverAtOnce()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        // No check-in row at all: Quartz deletes the row of a node once it has recovered its firings.
        Assert.Null(store.TryAcquireLease(flow.Name, OtherHolder, FlowRunner.LeaseDuration, Start - RunLease.UnrenewedBeforeTakeover));

        var result = await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        Assert.Equal(RunOutcome.Finished, result.Outcome);
    }

    [Fact]
    public async Task ALeaseWhoseNodeStillChecksIn_IsNotTakenOver()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        // Checked in 14 s ago: within interval (5 s) + threshold (10 s), so alive, though its run is long.
        await CheckInAsync(database, OtherNode, Start - TimeSpan.FromSeconds(14));
        CutRunOfTheOtherNode(store, flow);

        var result = await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        Assert.Equal(RunOutcome.Busy, result.Outcome);
        Assert.Contains("web2", result.Error, StringComparison.Ordinal);
        Assert.Empty(_calls);

        // Once its check-ins are late past the threshold, the next firing takes over.
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(RunOutcome.Finished, (await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task WithoutTheClusterHook_ADeadNodesLeaseOnAnotherMachine_WaitsForItsExpiry()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        await CheckInAsync(database, OtherNode, Start - TimeSpan.FromMinutes(1));
        CutRunOfTheOtherNode(store, flow);

        var result = await new LeasedRunExecutor(store, _clock, NullLogger.Instance).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        Assert.Equal(RunOutcome.Busy, result.Outcome); // what a one-machine daemon or a CLI run does: the pid is not ours to check
    }

    [Fact]
    public async Task ALeaseTakenByANode_NamesTheNode()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        var members = Members(database);
        var runner = new FlowRunner(store, _clock) { Cluster = members };

        await runner.RunAsync(flow, CancellationToken.None, waitForLease: false);

        var run = Assert.Single(store.ListRuns(flow.Name, 10));
        Assert.Equal(members.NodeId, LeaseHolder.NodeOf(run.Holder));
    }

    [Fact]
    public async Task ClusterMembers_ReadsTheCheckInsQuartzItselfWrites()
    {
        // A real cluster node (Quartz on the fake clock) checks in; its row is read as Quartz wrote it (UTC ticks).
        await using var bed = await ClusterBed.CreateAsync(postgres, Start);
        await bed.StepAsync();
        var options = new ClusterOptions { ConnectionString = bed.ConnectionString, NodeId = "web1-4242-1a2b3c" };

        Assert.False(await new ClusterMembers(options, bed.Clock, NullLogger.Instance).HasLeftAsync(bed.Node.NodeId, CancellationToken.None));
        var later = new FakeTimeProvider(bed.Clock.GetUtcNow() + TimeSpan.FromSeconds(16)); // past interval (5 s) + threshold (10 s)
        Assert.True(await new ClusterMembers(options, later, NullLogger.Instance).HasLeftAsync(bed.Node.NodeId, CancellationToken.None));
        Assert.True(await new ClusterMembers(options, bed.Clock, NullLogger.Instance).HasLeftAsync("never-checked-in", CancellationToken.None));
    }

    private ClusterMembers Members(string database) =>
        new(new ClusterOptions { ConnectionString = database, NodeId = "web1-4242-1a2b3c" }, _clock, NullLogger.Instance);

    private LeasedRunExecutor Executor(IStateStore store, string database) => new(store, _clock, NullLogger.Instance, Members(database));

    [Fact]
    public async Task ALeaseRenewedRecently_IsNotTakenOverFromANodeThatStoppedCheckingIn_UntilItsHolderStoppedTrustingIt()
    {
        var (database, store) = await ClusterStateAsync();
        using var _ = store;
        var flow = LoadFlow();
        await CheckInAsync(database, OtherNode, Start - TimeSpan.FromSeconds(16)); // gone, by its check-ins
        CutRunOfTheOtherNode(store, flow);
        // ...but its run renewed the lease 5 s ago: cut off from Quartz, perhaps, yet still acting for up to RunLease.Trust.
        Assert.True(store.RenewLease(flow.Name, OtherHolder, FlowRunner.LeaseDuration, Start - TimeSpan.FromSeconds(5)));

        Assert.Equal(RunOutcome.Busy, (await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None)).Outcome);
        Assert.Empty(_calls);

        _clock.Advance(RunLease.UnrenewedBeforeTakeover - TimeSpan.FromSeconds(6));
        Assert.Equal(RunOutcome.Busy, (await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None)).Outcome);
        _clock.Advance(TimeSpan.FromSeconds(1)); // the holder stopped trusting its last renewal (plus the clock skew) ago
        Assert.Equal(RunOutcome.Finished, (await Executor(store, database).RunAsync(flow, CancellationToken.None, CancellationToken.None)).Outcome);
        Assert.False(store.RenewLease(flow.Name, OtherHolder, FlowRunner.LeaseDuration, _clock.GetUtcNow())); // its late renewal fails
    }

    /// <summary>The other node's run as a kill -9 leaves it: the lease held (last renewed when the run began, 20 s
    /// ago), the run recorded as running, both rows started, a@x.io's call answered and recorded, b@x.io's not yet.</summary>
    private static string CutRunOfTheOtherNode(IStateStore store, Flow flow)
    {
        Assert.Null(store.TryAcquireLease(flow.Name, OtherHolder, FlowRunner.LeaseDuration, Start - TimeSpan.FromSeconds(20)));
        var run = store.BeginRun(flow.Name, Start - TimeSpan.FromSeconds(20), OtherHolder);
        store.StartItems(run, flow.Name, FixedRows.Key, FixedRows.Items);
        store.RecordStep(run, flow.Name, FixedRows.Key, "a@x.io", new RecordedStep("call", 1, "", new Dictionary<string, string>(), run, Start - TimeSpan.FromSeconds(19)));
        return run;
    }

    private async Task<(string Database, PostgresStateStore Store)> ClusterStateAsync()
    {
        var database = postgres.ConnectionString(await postgres.CreateDatabaseAsync("takeover"));
        await ClusterSchema.MigrateAsync(database);
        var store = new PostgresStateStore(PostgresLocation.Parse(database));
        return (database, store);
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

    private Flow LoadFlow()
    {
        var registry = new ConnectorRegistry();
        registry.AddSource(new StepSpec("fixed.rows", "two rows", [new FieldSpec("columns", FieldKind.Number, "unused")]), _ => new FixedRows());
        registry.AddReceiver(new StepSpec("test.count", "counts calls", [new FieldSpec("text", FieldKind.Template, "a template", Required: false)]),
            config =>
            {
                config.Template("text");
                return new CountingReceiver(_calls);
            });
        var file = Path.Combine(_rules.Path, "contacts.json");
        File.WriteAllText(file, """
            {
              "name": "contacts",
              "triggers": {"interval": 3600},
              "source": { "type": "fixed.rows", "columns": 1 },
              "steps": [ { "id": "call", "type": "test.count", "text": "hi {Email}" } ]
            }
            """);
        var set = new FlowLoader(registry, ConnectionsFile.Empty(registry)).Load([file]);
        Assert.True(set.Succeeded, string.Join("; ", set.Diagnostics));
        return Assert.Single(set.Flows);
    }

    private sealed class FixedRows : ISource
    {
        public const string Key = "fixed";
        public static readonly IReadOnlyList<SourceItem> Items =
        [
            new("a@x.io", 2, new Dictionary<string, string> { ["Email"] = "a@x.io" }, "2"),
            new("b@x.io", 3, new Dictionary<string, string> { ["Email"] = "b@x.io" }, "3"),
        ];
        public string PositionKey => Key;
        public IReadOnlyList<string>? DeclaredFields => ["Email"];
        public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) =>
            Task.FromResult(new SourceRead([.. Items.Where(i => position is null || i.Number > int.Parse(position, System.Globalization.CultureInfo.InvariantCulture))]));
        public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult("3");
        public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(Items[0]);
    }

    private sealed class CountingReceiver(ConcurrentDictionary<string, int> calls) : IReceiver
    {
        public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            foreach (var item in items) calls.AddOrUpdate(item.Row.Fields["Email"], 1, (_, n) => n + 1);
            return Task.FromResult<IReadOnlyList<StepOutcome>>(items.Select(_ => StepOutcome.Success()).ToList());
        }

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }
}
