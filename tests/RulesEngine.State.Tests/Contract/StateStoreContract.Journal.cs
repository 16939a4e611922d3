using RulesEngine.Core.Connections;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.State.Tests.Contract;

/// <summary>The journal: step answers, in-flight markers, bulk key questions, open rows and secrets.</summary>
public abstract partial class StateStoreContract
{
    [Fact]
    public void ARecordedStepIsReadBackWholeAndReplacesItsInFlightMarker()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.MarkInFlight(runId, Flow, Source, "row-2", "update", T0, "calling");
        Assert.Equal("calling", Open().GetInFlight(Flow, Source, "row-2")["update"].Reason);

        store.RecordStep(runId, Flow, Source, "row-2", Step("update", 1, runId, T0.AddSeconds(1), output: new() { ["id"] = "7", ["email"] = "a@b.c" }));

        var reader = Open();
        Assert.Empty(reader.GetInFlight(Flow, Source, "row-2"));
        var step = reader.GetRecordedSteps(Flow, Source, "row-2")["update"];
        Assert.Equal(1, step.Result);
        Assert.Equal("", step.Error);
        Assert.Equal(runId, step.RunId);
        Assert.Equal(T0.AddSeconds(1), step.RecordedAt);
        Assert.Equal(new Dictionary<string, string> { ["id"] = "7", ["email"] = "a@b.c" }, step.Output);
        Assert.Empty(reader.GetRecordedSteps(Flow, Source, "row-3"));
    }

    [Fact]
    public void ABatchsProgress_IsAskedInOneQuestion_AndMatchesEachItemsOwn()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.RecordSteps(runId, Flow, Source, [new ItemAnswer("row-2", Step("update", 0, runId, T0, "404")), new ItemAnswer("row-2", Step("ifUpdateFailed", 1, runId, T0)),
            new ItemAnswer("row-3", Step("update", 1, runId, T0, output: new() { ["id"] = "9" }))]);
        store.MarkInFlight(runId, Flow, Source, "row-2", "create", T0.AddSeconds(1), "called");
        store.MarkInFlight(runId, Flow, Source, "row-4", "alert", T0.AddSeconds(2), "no answer: timed out");
        store.RecordStep(runId, "another flow", Source, "row-5", Step("update", 1, runId, T0));

        var progress = Open().GetProgress(Flow, Source, ["row-2", "row-3", "row-4", "row-5", "row-6"]);

        // Rows with nothing left by an earlier run (row-6; row-5 is another flow's) are not in the answer.
        Assert.Equal(["row-2", "row-3", "row-4"], progress.Keys.Order());
        foreach (var (key, left) in progress)
        {
            Assert.Equal(Open().GetRecordedSteps(Flow, Source, key).OrderBy(s => s.Key), left.Steps.OrderBy(s => s.Key), StepComparer.Instance);
            Assert.Equal(Open().GetInFlight(Flow, Source, key).OrderBy(c => c.Key), left.InFlight.OrderBy(c => c.Key));
        }
        Assert.Equal(["ifUpdateFailed", "update"], progress["row-2"].Steps.Keys.Order());
        Assert.Equal("called", progress["row-2"].InFlight["create"].Reason);
        Assert.Equal("9", progress["row-3"].Steps["update"].Output["id"]);
        Assert.Empty(progress["row-4"].Steps);
        Assert.Empty(Open().GetProgress(Flow, Source, []));
    }

    /// <summary>Recorded steps compared by value (their output is a dictionary).</summary>
    private sealed class StepComparer : IEqualityComparer<KeyValuePair<string, RecordedStep>>
    {
        public static readonly StepComparer Instance = new();

        public bool Equals(KeyValuePair<string, RecordedStep> x, KeyValuePair<string, RecordedStep> y) =>
            x.Key == y.Key && x.Value with { Output = EmptyOutput } == y.Value with { Output = EmptyOutput }
            && x.Value.Output.OrderBy(o => o.Key).SequenceEqual(y.Value.Output.OrderBy(o => o.Key));

        public int GetHashCode(KeyValuePair<string, RecordedStep> obj) => obj.Key.GetHashCode(StringComparison.Ordinal);

        private static readonly Dictionary<string, string> EmptyOutput = [];
    }

    [Fact]
    public void WritesMadeTogether_AreAllReadableElsewhere_WhenItReturns_NestedOnesIncluded()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);

        store.WriteTogether(() =>
        {
            store.StartItems(runId, Flow, Source, [Item(2), Item(3)]);
            store.RecordSteps(runId, Flow, Source, [new ItemAnswer("row-2", Step("update", 1, runId, T0)), new ItemAnswer("row-3", Step("update", 0, runId, T0, "404"))]);
            store.WriteTogether(() => store.MarkInFlight(runId, Flow, Source, "row-3", "create", T0, "called"));
        });

        var reader = Open();
        Assert.Equal(1, reader.GetRecordedSteps(Flow, Source, "row-2")["update"].Result);
        Assert.Equal("404", reader.GetRecordedSteps(Flow, Source, "row-3")["update"].Error);
        Assert.Equal("called", reader.GetInFlight(Flow, Source, "row-3")["create"].Reason);
        Assert.Equal([2, 3], reader.ListRows(runId).Select(r => r.Number));

        store.WriteTogether(() =>
        {
            store.CompleteItems(runId, Flow, Source, [new ItemCompletion(Item(2), RowStatus.Done, 0, "", RowAttention.None, "3")]);
            store.ClearInFlight(Flow, Source, "row-3", "create");
        });
        Assert.True(Open().IsItemRecorded(Flow, Source, "row-2"));
        Assert.Equal("3", Open().GetPosition(Flow, Source));
        Assert.Empty(Open().GetInFlight(Flow, Source, "row-3"));
    }

    [Fact]
    public void RecordingAStepAgainReplacesItsAnswerAndKeepsItsPlaceInTheRow()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.RecordStep(runId, Flow, Source, "row-2", Step("update", 0, runId, T0, "404"));
        store.RecordStep(runId, Flow, Source, "row-2", Step("create", 1, runId, T0.AddSeconds(1)));
        store.RecordStep(runId, Flow, Source, "row-2", Step("update", 1, runId, T0));
        store.StartItems(runId, Flow, Source, [Item(2)]);

        var steps = Open().GetRecordedSteps(Flow, Source, "row-2");
        Assert.Equal(1, steps["update"].Result);
        Assert.Equal("", steps["update"].Error);
        Assert.Equal(["update", "create"], Open().ListRows(runId).Single().Steps.Select(s => s.StepId));
    }

    [Fact]
    public void AnInFlightMarkerIsUpdatedInPlaceAndClearedOnlyForItsStep()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.MarkInFlight(runId, Flow, Source, "row-2", "update", T0, "calling");
        store.MarkInFlight(runId, Flow, Source, "row-2", "create", T0, "calling");
        store.MarkInFlight(runId, Flow, Source, "row-2", "update", T0.AddSeconds(5), "timed out without an answer");

        var marker = Open().GetInFlight(Flow, Source, "row-2")["update"];
        Assert.Equal(new InterruptedCall(runId, T0.AddSeconds(5), "timed out without an answer"), marker);

        store.ClearInFlight(Flow, Source, "row-2", "update");
        Assert.Equal(["create"], Open().GetInFlight(Flow, Source, "row-2").Keys);
    }

    [Fact]
    public void UnrecordedKeysAreFoundInBulkAcrossManyStatements()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        var keys = Enumerable.Range(1, 2500).Select(i => $"row-{i}").ToList();
        store.RecordKnownItems(runId, Flow, Source, keys.Where((_, i) => i % 2 == 0).ToList());

        var unrecorded = Open().FindUnrecordedItems(Flow, Source, keys);

        Assert.Equal(1250, unrecorded.Count);
        Assert.Equal(keys.Where((_, i) => i % 2 == 1).ToHashSet(), unrecorded);
        Assert.Empty(Open().FindUnrecordedItems(Flow, Source, []));
    }

    [Fact]
    public void KnownItemsAreSkippedWithoutHistoryAndNeverOverwriteARecordedOutcome()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.CompleteItem(runId, Flow, Source, Item(2), RowStatus.Held, 0, "no answer", RowAttention.None, null);

        store.RecordKnownItems(runId, Flow, Source, ["row-2", "row-3"]);
        store.RecordKnownItems(runId, Flow, Source, []);

        var reader = Open();
        Assert.True(reader.IsItemRecorded(Flow, Source, "row-3"));
        Assert.False(reader.IsItemRecorded(Flow, Source, "row-2")); // still held: it runs again
        Assert.Equal(["row-2"], reader.ListRows(runId).Select(r => r.Key)); // no history line for row-3
    }

    [Fact]
    public void OpenRowsAreTheLatestLinesThatNeedAPerson()
    {
        var store = Open();
        var first = store.BeginRun(Flow, T0);
        // The runner judges each row as it records it (RowAttention); the store keeps and filters by that judgement.
        store.CompleteItem(first, Flow, Source, Item(2), RowStatus.Held, 0, "no answer", new RowAttention("held: no answer"), null);
        store.CompleteItem(first, Flow, Source, Item(3), RowStatus.Done, 1, "", new RowAttention("the alert failed"), "pos-3");
        store.CompleteItem(first, Flow, Source, Item(4), RowStatus.Done, 0, "", RowAttention.None, "pos-4");
        store.CompleteItem(first, Flow, Source, Item(5), RowStatus.Held, 0, "no answer", new RowAttention("held: no answer"), null);
        var second = store.BeginRun(Flow, T0.AddMinutes(1));
        store.CompleteItem(second, Flow, Source, Item(5), RowStatus.Done, 0, "", RowAttention.None, "pos-5");

        var open = Open().ListOpenRows(Flow);

        Assert.Equal([2, 3], open.Select(r => r.Number));
        Assert.Equal("the alert failed", open[1].Attention.Reason);
        Assert.Empty(Open().ListOpenRows("other"));
    }

    [Fact]
    public void ARunCountsItsRowsByOutcome()
    {
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.StartItems(runId, Flow, Source, [Item(1), Item(2), Item(3), Item(4), Item(5), Item(6)]);
        store.CompleteItem(runId, Flow, Source, Item(1), RowStatus.Done, 0, "", RowAttention.None, "pos-1");
        store.CompleteItem(runId, Flow, Source, Item(2), RowStatus.Done, 1, "", new RowAttention("an unhandled failure"), "pos-2");
        store.CompleteItem(runId, Flow, Source, Item(3), RowStatus.Held, 0, "no answer", RowAttention.None, null);
        store.CompleteItem(runId, Flow, Source, Item(4), RowStatus.Skipped, 0, "", RowAttention.None, "pos-4");
        store.CompleteItem(runId, Flow, Source, Item(5), RowStatus.Error, 0, "the condition threw", RowAttention.None, "pos-5");

        var run = Open().GetRun(runId)!;

        Assert.Equal((6, 2, 2, 1, 1), (run.Rows, run.Done, run.Failed, run.Held, run.Skipped));
        Assert.Equal(3, run.NeedsPerson); // the unhandled failure, the held row, the error
        Assert.Equal(1, run.Unfinished);  // row 6 was taken and never completed
    }

    [Fact]
    public void RegisteredSecretsNeverReachTheState()
    {
        const string secret = "contract-secret-4b1d9e";
        SecretRedactor.Register(secret);
        var store = Open();
        var runId = store.BeginRun(Flow, T0);
        store.RecordStep(runId, Flow, Source, "row-2", Step("update", 0, runId, T0, $"401 for key {secret}"));
        store.MarkInFlight(runId, Flow, Source, "row-3", "update", T0, $"calling with {secret}");
        store.CompleteItem(runId, Flow, Source, Item(2), RowStatus.Error, 1, $"failed: {secret}", new RowAttention($"see {secret}"), null);
        store.FinishRun(runId, RunStatus.Failed, $"run failed: {secret}", T0);

        var reader = Open();
        var texts = new[]
        {
            reader.GetRecordedSteps(Flow, Source, "row-2")["update"].Error,
            reader.GetInFlight(Flow, Source, "row-3")["update"].Reason,
            reader.ListRows(runId).Single().Error,
            reader.ListRows(runId).Single().Attention.Reason,
            reader.GetRun(runId)!.Error,
        };
        Assert.All(texts, text => Assert.DoesNotContain(secret, text));
        Assert.All(texts, text => Assert.Contains(SecretRedactor.Mask, text));
    }
}
