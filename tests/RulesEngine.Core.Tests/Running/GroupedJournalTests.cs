using Microsoft.Data.Sqlite;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// The journal's writes are grouped: what a batch learns between two calls to services (the items started, each
/// step's answers, each If's decisions) is written in one transaction just before the next call, and with how the
/// batch's rows ended at its end, instead of one transaction per row per step. What ends up recorded is exactly what
/// the row-by-row journal records, on random sheets with random held answers (a fixed list of seeds).
/// </summary>
public sealed class GroupedJournalTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a scratch folder left in /tmp is harmless
        }
    }

    /// <summary>ok@ exists; new@ is created; bad@ fails both ways; a row whose name says "held" gets no answer from
    /// the step named there (while <paramref name="faults"/> is on).</summary>
    private static TestRegistry Canonical(out Core.Flows.Flow flow, Func<bool> faults)
    {
        var registry = new TestRegistry();
        registry.Answers = id => scope =>
        {
            if (faults() && scope.Row["Name"] == "held-" + id) return StepOutcome.Held("timed out");
            return (id, scope.Row["Email"].Split('@')[0].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')) switch
            {
                ("update", "ok") => StepOutcome.Success(new Dictionary<string, string> { ["contactId"] = scope.Row["Email"].Length.ToString() }),
                ("update", _) => StepOutcome.Failure("no contact with email = " + scope.Row["Email"]),
                ("create", "bad") => StepOutcome.Failure("HelpCrunch 400 invalid_locale_value"),
                _ => StepOutcome.Success(),
            };
        };
        flow = registry.LoadValid(TestFlows.UpdateCreateAlert);
        return registry;
    }

    [Fact]
    public async Task Batch_IsWrittenInOneCommitPerServiceCall_AndOneForHowItsRowsEnded()
    {
        var registry = Canonical(out var flow, () => false);
        foreach (var email in new[] { "ok1@x.io", "ok2@x.io", "new1@x.io", "ok3@x.io", "bad1@x.io", "ok4@x.io", "ok5@x.io", "new2@x.io", "ok6@x.io", "ok7@x.io" })
            registry.Source.Add(("Email", email), ("Name", email));
        using var sqlite = new SqliteStateStore(Path.Combine(_directory, "state.db"));
        var (store, journal) = JournalingStore.Wrap(sqlite);

        var report = await new FlowRunner(store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, report.Status);
        // Three calls (update, create, alert: each one call for the batch here), the last answers before the lease
        // is checked, and how the rows ended: five commits, and no write committed on its own.
        Assert.Equal(5, journal.Count(nameof(IStateStore.WriteTogether)));
        Assert.Empty(journal.WrittenAlone);
        Assert.Equal(0, journal.Count(nameof(IStateStore.RecordStep)));
        Assert.Equal(0, journal.Count(nameof(IStateStore.CompleteItem)));
        // Before create: update's answers and ifUpdateFailed's decisions (10 + 10); before alert: create's (3) and
        // ifCreateFailed's (10); at the end: alert's (1), then how the 10 rows ended.
        Assert.Equal([20, 13, 1], journal.Calls.Where(c => c.Member == nameof(IStateStore.RecordSteps)).Select(c => c.Items));
        Assert.Equal([10], journal.Calls.Where(c => c.Member == nameof(IStateStore.CompleteItems)).Select(c => c.Items));
        Assert.Equal([10], journal.Calls.Where(c => c.Member == nameof(IStateStore.StartItems)).Select(c => c.Items));
        // This overload runs under a lease its caller holds: the run itself neither renews nor checks one.
        Assert.Equal(0, journal.Count(nameof(IStateStore.RenewLease)));
    }

    [Fact]
    public async Task ABatchStoppedMidWalk_KeepsTheAnswerOfTheCallItMade()
    {
        var registry = new TestRegistry();
        using var stop = new CancellationTokenSource();
        // A receiver with a resume policy called one row at a time; the process is told to stop (Ctrl+C, a daemon
        // shutting down) while the first row's call is answered.
        registry.Registry.AddReceiver(new StepSpec("test.once", "one row at a time", []), _ => new OneAtATime(stop));
        var flow = registry.LoadValid("""
            { "name": "contacts", "source": { "type": "memory.rows" }, "batchSize": 10,
              "steps": [ { "id": "update", "type": "test.call" }, { "id": "send", "type": "test.once" } ] }
            """);
        registry.Source.Add(("Email", "a@x.io"), ("Name", "a"));
        registry.Source.Add(("Email", "b@x.io"), ("Name", "b"));
        using var store = new SqliteStateStore(Path.Combine(_directory, "state.db"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new FlowRunner(store).RunAsync(flow, stop.Token));

        // The first row's answer was only in memory when the stop came (it is written with the next row's marker):
        // it is kept, with its marker gone, so the next run neither sends again nor asks the resume policy.
        Assert.Equal(["send", "update"], store.GetRecordedSteps("contacts", "memory", "a@x.io|a").Keys.Order());
        Assert.Empty(store.GetInFlight("contacts", "memory", "a@x.io|a"));
        // The second row's call never started.
        Assert.Equal(["update"], store.GetRecordedSteps("contacts", "memory", "b@x.io|b").Keys);
        Assert.Empty(store.GetInFlight("contacts", "memory", "b@x.io|b"));
    }

    private sealed class OneAtATime(CancellationTokenSource stop) : IResumableReceiver
    {
        public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            stop.Cancel();
            return Task.FromResult<IReadOnlyList<StepOutcome>>([.. items.Select(_ => StepOutcome.Success())]);
        }

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            throw new NotSupportedException("not previewed here");

        public Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted,
            CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<StepOutcome?>>([.. items.Select(_ => (StepOutcome?)null)]);
    }

    [Fact]
    public async Task StepAnswers_AreDurable_BeforeTheNextStepRuns()
    {
        var registry = Canonical(out var flow, () => false);
        registry.Source.Add(("Email", "new1@x.io"), ("Name", "n"));
        var statePath = Path.Combine(_directory, "state.db");
        using var store = new SqliteStateStore(statePath);
        var seenByCreate = new List<string>();
        var answers = registry.Answers;
        registry.Answers = id => scope =>
        {
            // Another connection reads the file as a crash would leave it: the update's answer and the If's decision
            // are committed when create is called.
            if (id == "create")
            {
                using var reader = new SqliteStateStore(statePath);
                seenByCreate.AddRange(reader.GetRecordedSteps("contacts", "memory", "new1@x.io|n").Keys.Order());
            }
            return answers(id)(scope);
        };

        await new FlowRunner(store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(["ifUpdateFailed", "update"], seenByCreate);
    }

    [Fact]
    public async Task Position_MovesPastARowPastedTwice_WhenTheCopyEndsTheBatch()
    {
        var registry = Canonical(out var flow, () => false);
        registry.Source.Add(("Email", "ok1@x.io"), ("Name", "a"));
        registry.Source.Add(("Email", "new1@x.io"), ("Name", "b"));
        registry.Source.Add(("Email", "new1@x.io"), ("Name", "b"));
        using var store = new SqliteStateStore(Path.Combine(_directory, "state.db"));

        await new FlowRunner(store).RunAsync(flow, CancellationToken.None);

        Assert.Equal("3", store.GetPosition(flow.Name, flow.Source.PositionKey));
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 5, 8, 13, 21, 34 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task GroupedAndRowByRowJournals_AreIdentical_OnRandomSheetsWithRandomHeldAnswers(int seed)
    {
        var grouped = await JournalAfterRunsAsync(seed, rowByRow: false);
        var rowByRow = await JournalAfterRunsAsync(seed, rowByRow: true);

        Assert.Equal(rowByRow, grouped);
        Assert.NotEmpty(grouped);
    }

    /// <summary>A random sheet (kinds of rows, rows pasted twice, rows whose step is held), run twice: once with the
    /// faults, once without them (the held rows are taken again), then a row added and a third run; the journal as
    /// text, without run ids and times.</summary>
    private async Task<List<string>> JournalAfterRunsAsync(int seed, bool rowByRow)
    {
        var random = new Random(seed);
        var faults = true;
        var registry = Canonical(out var flow, () => faults);
        var kinds = new[] { "ok", "ok", "ok", "new", "bad" };
        // Held rows are rare, so the position moves a good way before the first one stops it.
        var steps = new[] { "held-update", "held-create", "held-alert" }.Concat(Enumerable.Repeat("", 30)).ToArray();
        var count = random.Next(5, 45);
        for (var i = 0; i < count; i++)
        {
            var email = $"{kinds[random.Next(kinds.Length)]}{random.Next(10)}@x.io";
            var name = steps[random.Next(steps.Length)];
            registry.Source.Add(("Email", email), ("Name", name));
            // A row pasted twice is one item: the copy is passed over, and may be the last of its batch.
            if (random.Next(4) == 0) registry.Source.Add(("Email", email), ("Name", name));
        }
        // The sheet ends with its last row pasted again: the position must move past the copy too.
        registry.Source.Rows.Add(new Dictionary<string, string>(registry.Source.Rows[^1]));
        var statePath = Path.Combine(_directory, (rowByRow ? "row" : "grouped") + seed + ".db");
        var positions = new List<string>(); // where each run left the source
        using (var sqlite = new SqliteStateStore(statePath))
        {
            var (store, _) = JournalingStore.Wrap(sqlite, rowByRow);
            var runner = new FlowRunner(store) { QuarantineDirectory = null };
            await runner.RunAsync(flow, CancellationToken.None);
            positions.Add("after run 1: " + store.GetPosition(flow.Name, flow.Source.PositionKey));
            faults = false;
            await runner.RunAsync(flow, CancellationToken.None);
            positions.Add("after run 2: " + store.GetPosition(flow.Name, flow.Source.PositionKey));
            registry.Source.Add(("Email", "new9@x.io"), ("Name", "late"));
            await runner.RunAsync(flow, CancellationToken.None);
        }
        return [.. positions, .. Dump(statePath)];
    }

    private static List<string> Dump(string statePath)
    {
        using var db = new SqliteConnection($"Data Source={statePath};Pooling=False");
        db.Open();
        var lines = new List<string>();
        foreach (var query in new[]
        {
            "SELECT 'step', item_key, step_id, result, error, output FROM steps ORDER BY item_key, step_id",
            "SELECT 'item', item_key, status FROM items ORDER BY item_key",
            "SELECT 'line', r.number, r.item_key, r.status, r.failed_steps, r.error, r.attention FROM run_items r JOIN runs u ON u.id=r.run_id ORDER BY u.started_at, u.id, r.number",
            "SELECT 'position', source_key, position FROM positions",
            "SELECT 'inflight', item_key, step_id, reason FROM in_flight ORDER BY item_key, step_id",
        })
        {
            using var command = db.CreateCommand();
            command.CommandText = query;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i)?.ToString())));
        }
        return lines;
    }
}
