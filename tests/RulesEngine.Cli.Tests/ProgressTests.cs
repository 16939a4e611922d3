using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Progress;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// A long run is not silent: while 'run' or 'replay' works, the error output shows rows done of total, the rate,
/// the time left, and how many failed or were held so far; Ctrl+C prints what was done. Driven by a fake clock.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class ProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Redirected_PrintsAPlainLineEveryFiveSeconds_WithDoneTotalRateTimeLeftFailedAndHeld()
    {
        var clock = new FakeTimeProvider(Start);
        using var errors = new StringWriter();
        var console = new Console(TextWriter.Null, errors, new CliEnvironment(ErrorsIsTerminal: false, clock));
        using var progress = new RunProgressReporter(console, "run", CancellationToken.None);

        progress.Started("20261204-090000-a1b2c3", 100);
        for (var i = 0; i < 28; i++) progress.RowDone(Row(i + 2, RowStatus.Done));
        progress.RowDone(Row(30, RowStatus.Done, failedStep: true));
        progress.RowDone(Row(31, RowStatus.Held));
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal("", errors.ToString());

        clock.Advance(TimeSpan.FromSeconds(0.1));
        clock.Advance(TimeSpan.FromSeconds(5)); // no row in these 5 s: the rate halves, the estimate doubles

        Assert.Equal(
            [
                "progress: run 20261204-090000-a1b2c3: 30 of 100 rows (30.0%), 6.0 rows/s, about 12 s left; 1 need a person, 1 held",
                "progress: run 20261204-090000-a1b2c3: 30 of 100 rows (30.0%), 3.0 rows/s, about 23 s left; 1 need a person, 1 held",
            ],
            Lines(errors));
    }

    [Fact]
    public void Terminal_RewritesOneLiveLine_AndClearsItAtTheEnd()
    {
        var clock = new FakeTimeProvider(Start);
        using var errors = new StringWriter();
        var console = new Console(TextWriter.Null, errors, new CliEnvironment(ErrorsIsTerminal: true, clock));
        var progress = new RunProgressReporter(console, "replay", CancellationToken.None);
        progress.Started("r1", 4);

        progress.RowDone(Row(2, RowStatus.Done));
        clock.Advance(TimeSpan.FromMilliseconds(250));
        progress.RowDone(Row(3, RowStatus.Done));
        clock.Advance(TimeSpan.FromMilliseconds(250));
        progress.Dispose();
        clock.Advance(TimeSpan.FromSeconds(10)); // stopped: draws nothing more

        Assert.Equal(
            "\r\u001b[2Kreplay r1: 1 of 4 rows (25.0%), 4.0 rows/s, about 1 s left; 0 need a person, 0 held" +
            "\r\u001b[2Kreplay r1: 2 of 4 rows (50.0%), 4.0 rows/s, about 0 s left; 0 need a person, 0 held" +
            "\r\u001b[2K",
            errors.ToString());
    }

    [Fact]
    public void Terminal_CutsTheLiveLineToTheTerminalWidth_SoItNeverWraps()
    {
        var clock = new FakeTimeProvider(Start);
        using var errors = new StringWriter();
        var console = new Console(TextWriter.Null, errors, new CliEnvironment(ErrorsIsTerminal: true, clock, TerminalWidth: 40));
        using var progress = new RunProgressReporter(console, "run", CancellationToken.None);
        progress.Started("20261204-090000-a1b2c3", 10_000);

        clock.Advance(TimeSpan.FromMilliseconds(250));

        var line = errors.ToString()["\r\u001b[2K".Length..];
        Assert.Equal(39, line.Length);
        Assert.Equal("run 20261204-090000-a1b2c3: 0 of 10000…", line);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59.4, "59 s")]
    [InlineData(725, "12 min 5 s")]
    [InlineData(12_000, "3 h 20 min")]
    [InlineData(190_000, "2 d 4 h")]
    public void Durations_ReadAtAGlance(double seconds, string shown) =>
        Assert.Equal(shown, ProgressSnapshot.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task CtrlC_DuringARun_PrintsWhatWasDone_AndExits130()
    {
        // Anna's row finishes; Chloe's alert then hangs in Telegram until Ctrl+C.
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Chloe);
        sandbox.Services.HelpCrunch.AddContact(new JObject { ["email"] = "anna@example.com", ["name"] = "Anna K." });
        sandbox.Services.Telegram.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)), "sendMessage");
        var flow = JObject.Parse(await File.ReadAllTextAsync(Repo.CanonicalFlow));
        flow["batchSize"] = 1; // each row recorded before the next starts
        var path = Path.Combine(sandbox.Directory, "one-at-a-time.json");
        await File.WriteAllTextAsync(path, flow.ToString());
        using var ctrlC = new CancellationTokenSource();
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var environment = new CliEnvironment(false, new FakeTimeProvider(Start));

        var running = CliApp.RunAsync(["run", path, "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath],
            TextWriter.Synchronized(output), TextWriter.Synchronized(errors), environment, ctrlC.Token);
        await WaitUntilAsync(() => sandbox.Services.Telegram.Received.Count > 0 || running.IsCompleted, "Chloe's alert to reach Telegram");
        ctrlC.Cancel();
        var exit = await running.WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 130, $"exit {exit}\n{output}\n{errors}");
        var lines = Lines(output);
        Assert.Matches(@"^run \S+ stopped by Ctrl\+C after .*: 1 of 2 row\(s\) recorded \(0 need a person, 0 held, 0 skipped\); rows not reached are taken by the next run", lines.First(l => l.StartsWith("run ", StringComparison.Ordinal)));
        var anna = Assert.Single(lines, l => l.Contains("anna@example.com", StringComparison.Ordinal));
        Assert.Contains("update: ok", anna, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("chloe@example.com", StringComparison.Ordinal));
    }

    private static ItemReport Row(int number, RowStatus status, bool failedStep = false) =>
        new(new SourceItem($"key{number}", number, new Dictionary<string, string> { ["Email"] = $"row{number}@example.com" }, ""), status,
            failedStep ? [new StepReport("update", "helpCrunch.updateContact", OutcomeStatus.Failed, 0, "no contact", new Dictionary<string, string>())] : [],
            "")
        { Attention = failedStep ? new RowAttention("update failed: no contact") : RowAttention.None };

    private static List<string> Lines(StringWriter writer) =>
        [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (!condition())
        {
            Assert.False(patience.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
