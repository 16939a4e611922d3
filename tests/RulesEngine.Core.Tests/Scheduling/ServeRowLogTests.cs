using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Scheduling;

/// <summary>
/// Issue 11, memory flat with the rows, for <c>serve</c>: the daemon's run executor writes each row's log line as the
/// row's batch is committed (not all of them when the run ends), with the same level, template, text and scopes
/// (flow, run, row) as before, and keeps no row reports: a 100,000-row run held by the daemon costs its counts only.
/// </summary>
public sealed class ServeRowLogTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SqliteStateStore _store = new(Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
    private readonly RecordingLogger _logger = new();

    public void Dispose() => _store.Dispose();

    private const string Summary = "Run {Run} of {Flow} completed: {Rows} new rows, {NeedsPerson} need a person, {Handled} with failures the flow handled, {Held} held, in {Seconds:0.00} s";

    /// <summary>The canonical shape, plus a filter (skip@ is skipped) and a condition that throws on err@ (the row
    /// stops on an error).</summary>
    private const string EveryKindOfRow = """
        {
          "name": "contacts",
          "source": { "type": "memory.rows", "filter": "Email != \"skip@x.io\"" },
          "batchSize": 2,
          "steps": [
            { "id": "update", "type": "test.call", "text": "{Email}" },
            { "id": "ifUpdateFailed", "type": "if", "condition": "update.Failed && (Email != \"err@x.io\" || int.Parse(Email) > 0)",
              "then": [ { "id": "create", "type": "test.call", "text": "{Email}" } ] },
            { "id": "ifCreateFailed", "type": "if", "condition": "create.Failed",
              "then": [ { "id": "alert", "type": "test.call", "text": "{create.Error}" } ] }
          ]
        }
        """;

    private static Task<StepOutcome> EveryKindOfAnswer(string step, ItemScope row) => Task.FromResult((step, row.Row["Email"]) switch
    {
        ("update", "ok@x.io") => StepOutcome.Success(),
        ("update", "held@x.io") => StepOutcome.Held("HelpCrunch did not answer"),
        ("update", var email) => StepOutcome.Failure("no contact with email = " + email),
        ("create", "bad@x.io") => StepOutcome.Failure("HelpCrunch 400 invalid_locale_value"),
        ("alert", "bad@x.io") => StepOutcome.Failure("chat not found"),
        _ => StepOutcome.Success(),
    });

    /// <summary>Every row line as the daemon wrote it before it streamed the rows (level, template, text, row);
    /// each carries the flow and run scopes too.</summary>
    public static readonly TheoryData<LogLevel, string, string, int> RowLinesBefore = new()
    {
        { LogLevel.Debug, "Row {Row} {Status}", "Row 2 done", 2 },
        { LogLevel.Information, "Row {Row} {Status} with failures the flow handled: {Failed}", "Row 3 done with failures the flow handled: update: no contact with email = new@x.io", 3 },
        { LogLevel.Warning, "Row {Row} held, retried on the next run: {Error}", "Row 4 held, retried on the next run: update: HelpCrunch did not answer", 4 },
        { LogLevel.Warning, "Row {Row} needs a person: {Attention}", "Row 5 needs a person: alert failed, not handled: chat not found", 5 },
        { LogLevel.Error, "Row {Row} stopped: {Error}", "Row 6 stopped: ifUpdateFailed: condition `update.Failed && (Email != \"err@x.io\" || int.Parse(Email) > 0)` at flow.json(7,58) failed: FormatException: The input string 'err@x.io' was not in a correct format.", 6 },
        { LogLevel.Debug, "Row {Row} {Status}", "Row 7 skipped", 7 },
    };

    [Fact]
    public async Task RowLines_KeepTheirLevelsTemplatesTextAndScopes_AndTheSummaryItsCounts()
    {
        var registry = new AwaitingRegistry(EveryKindOfAnswer);
        foreach (var email in new[] { "ok@x.io", "new@x.io", "held@x.io", "bad@x.io", "err@x.io", "skip@x.io" })
            registry.Source.Add(("Email", email));
        var flow = registry.LoadValid(EveryKindOfRow);

        var result = await new LeasedRunExecutor(_store, _clock, _logger).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        var runId = result.Report!.RunId;
        var lines = _logger.Lines;
        Assert.Equal(RowLinesBefore.Count + 1, lines.Count);
        foreach (var (expected, line) in RowLinesBefore.Zip(lines))
        {
            var (level, template, message, row) = ((LogLevel)expected[0], (string)expected[1], (string)expected[2], (int)expected[3]);
            Assert.Equal((level, template, message), (line.Level, line.Template, line.Message));
            Assert.Equal(new Dictionary<string, object?> { ["flow"] = "contacts", ["run"] = runId, ["row"] = row }, line.Scopes);
        }
        var summary = lines[^1];
        Assert.Equal((LogLevel.Information, Summary), (summary.Level, summary.Template));
        Assert.StartsWith($"Run {runId} of contacts completed: 6 new rows, 3 need a person, 1 with failures the flow handled, 1 held, in ", summary.Message, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, object?> { ["flow"] = "contacts", ["run"] = runId }, summary.Scopes);
    }

    [Fact]
    public async Task ARowsLine_IsWrittenOnceItsBatchIsCommitted_BeforeTheNextBatchIsCalled()
    {
        var firstLineSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondBatchCalled = false;
        var registry = new AwaitingRegistry(async (_, row) =>
        {
            if (row.Row["Email"] != "second@x.io") return StepOutcome.Success();
            secondBatchCalled = true;
            await firstLineSeen.Task.WaitAsync(Patience); // held until the test saw the first batch's line
            return StepOutcome.Failure("no contact with email = second@x.io");
        });
        registry.Source.Add(("Email", "first@x.io"));
        registry.Source.Add(("Email", "second@x.io"));
        var flow = registry.LoadValid(OneStep("contacts", batchSize: 1));
        var executor = new LeasedRunExecutor(_store, _clock, _logger);

        var run = Task.Run(() => executor.RunAsync(flow, CancellationToken.None, CancellationToken.None));
        try
        {
            var first = await _logger.WaitForAsync(l => Equals(l.Scope("row"), 2), Patience, "row 2, while row 3's batch is held");
            Assert.Equal((LogLevel.Debug, "Row 2 done"), (first.Level, first.Message));
            Assert.False(run.IsCompleted, "the run ended before row 2's line was written");
            Assert.DoesNotContain(_logger.Lines, l => Equals(l.Scope("row"), 3));
        }
        finally
        {
            firstLineSeen.TrySetResult();
        }
        var result = await run.WaitAsync(Patience);

        Assert.True(secondBatchCalled);
        var runId = result.Report!.RunId;
        Assert.Equal(runId, _logger.Lines[0].Scope("run"));
        var second = Assert.Single(_logger.Lines, l => Equals(l.Scope("row"), 3));
        Assert.Equal((LogLevel.Warning, "Row 3 needs a person: update failed, not handled: no contact with email = second@x.io", runId),
            (second.Level, second.Message, second.Scope("run")));
    }

    [Fact]
    public async Task ConcurrentRunsOfTwoFlows_OnOneExecutor_EachRowLineCarriesItsOwnFlowAndRun()
    {
        // Both runs are held at their second batch until the test has seen both first rows' lines: the runs overlap,
        // and each row's line is written while the other flow's run is going.
        var bothFirstLinesSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Flow Load(string name)
        {
            var registry = new AwaitingRegistry(async (_, row) =>
            {
                var email = row.Row["Email"];
                if (!email.StartsWith("row2", StringComparison.Ordinal)) await bothFirstLinesSeen.Task.WaitAsync(Patience);
                return StepOutcome.Failure("no contact with email = " + email);
            });
            for (var n = 2; n <= 4; n++) registry.Source.Add(("Email", $"row{n}@{name}"));
            return registry.LoadValid(OneStep(name, batchSize: 1));
        }
        var (alpha, beta) = (Load("alpha"), Load("beta"));
        var executor = new LeasedRunExecutor(_store, _clock, _logger);

        var alphaRun = Task.Run(() => executor.RunAsync(alpha, CancellationToken.None, CancellationToken.None));
        var betaRun = Task.Run(() => executor.RunAsync(beta, CancellationToken.None, CancellationToken.None));
        try
        {
            foreach (var name in new[] { "alpha", "beta" })
                await _logger.WaitForAsync(l => l.Message.EndsWith($"row2@{name}", StringComparison.Ordinal), Patience, $"{name}'s row 2");
            Assert.False(alphaRun.IsCompleted || betaRun.IsCompleted, "a run ended before both first rows' lines were written");
        }
        finally
        {
            bothFirstLinesSeen.TrySetResult();
        }
        var runs = new Dictionary<string, string>
        {
            ["alpha"] = (await alphaRun.WaitAsync(Patience)).Report!.RunId,
            ["beta"] = (await betaRun.WaitAsync(Patience)).Report!.RunId,
        };

        Assert.NotEqual(runs["alpha"], runs["beta"]);
        var rowLines = _logger.Lines.Where(l => l.Scopes.ContainsKey("row")).ToList();
        Assert.Equal(6, rowLines.Count);
        foreach (var line in rowLines)
        {
            var name = line.Message[(line.Message.LastIndexOf('@') + 1)..]; // the row's email names its flow
            Assert.Equal((name, runs[name]), (line.Scope("flow"), line.Scope("run")));
            Assert.StartsWith($"Row {line.Scope("row")} needs a person: ", line.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AServeRunsReport_KeepsNoRowReports_OnlyTheCounts()
    {
        var registry = new AwaitingRegistry(EveryKindOfAnswer);
        foreach (var email in new[] { "ok@x.io", "new@x.io", "held@x.io", "bad@x.io", "err@x.io", "skip@x.io" })
            registry.Source.Add(("Email", email));
        var flow = registry.LoadValid(EveryKindOfRow);

        var result = await new LeasedRunExecutor(_store, _clock, _logger).RunAsync(flow, CancellationToken.None, CancellationToken.None);

        var report = result.Report!;
        Assert.Empty(report.Items);
        Assert.Equal((6, 3, 1, 1, 1), (report.Rows, report.NeedsPerson, report.HandledFailures, report.Held, report.Skipped));
        Assert.Equal(6, _store.ListRows(report.RunId).Count); // the rows are in the history, not in memory
    }

    private static string OneStep(string name, int batchSize) => $$"""
        {
          "name": "{{name}}",
          "source": { "type": "memory.rows" },
          "batchSize": {{batchSize}},
          "steps": [ { "id": "update", "type": "test.call", "text": "{Email}" } ]
        }
        """;
}
