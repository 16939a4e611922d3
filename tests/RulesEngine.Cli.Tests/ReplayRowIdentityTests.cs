using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 9 item 7: a replay acts on the row the history showed. Rows are known by their recorded identity, so rows
/// inserted above since the run do not turn "row 3" into another person; and the history shows each row's first
/// cells, so people can tell rows apart.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class ReplayRowIdentityTests
{
    /// <summary>Runs Ben (row 2, created) and Chloe (row 3, alerted), then inserts Dana and Anna above them: the
    /// sheet's row 3 is now Anna, while the history's row 3 is Chloe.</summary>
    private static async Task<(Sandbox Sandbox, string RunId)> RunThenInsertAboveAsync()
    {
        var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("chloe@example.com", Assert.Single(sandbox.Services.Telegram.SentMessages).Text, StringComparison.Ordinal);
        sandbox.Services.Sheets.InsertRow(Sandbox.SpreadsheetId, Sandbox.Sheet, 2, Sandbox.Anna);
        sandbox.Services.Sheets.InsertRow(Sandbox.SpreadsheetId, Sandbox.Sheet, 2, Sandbox.Dana);
        sandbox.ClearReceived();
        return (sandbox, Sandbox.RunIdOf(run));
    }

    private static Task<CliResult> ReplayAsync(Sandbox sandbox, params string[] more) =>
        CliResult.RunAsync(["replay", Repo.CanonicalFlow, "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath, .. more]);

    [Fact]
    public async Task ReplayRunRow_AfterRowsWereInsertedAbove_ResendsToTheSamePerson()
    {
        var (sandbox, runId) = await RunThenInsertAboveAsync();
        await using var _ = sandbox;

        var replay = await ReplayAsync(sandbox, "--run", runId, "--row", "3", "--force");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        var alert = Assert.Single(sandbox.Services.Telegram.SentMessages);
        Assert.Contains("chloe@example.com", alert.Text, StringComparison.Ordinal);
        Assert.All(sandbox.HelpCrunchReceived, r => Assert.DoesNotContain("anna@example.com", r.Query + r.Body, StringComparison.Ordinal));
        Assert.Contains("row 3    chloe@example.com", replay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplayRow_MeansTheRowTheHistoryShowed_NotTheSheetsRowNow()
    {
        var (sandbox, runId) = await RunThenInsertAboveAsync();
        await using var _ = sandbox;
        var history = await sandbox.HistoryAsync("--run", runId);
        var row3 = history.Output.ReplaceLineEndings("\n").Split('\n').Single(l => l.StartsWith("  row 3 ", StringComparison.Ordinal));
        Assert.Contains("chloe@example.com, Chloe Martin", row3, StringComparison.Ordinal); // the history names the row

        var replay = await ReplayAsync(sandbox, "--row", "3", "--force");

        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains("chloe@example.com", Assert.Single(sandbox.Services.Telegram.SentMessages).Text, StringComparison.Ordinal);
        Assert.All(sandbox.HelpCrunchReceived, r => Assert.DoesNotContain("anna@example.com", r.Query + r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplayRow_RecordedAsDifferentRowsByDifferentRuns_IsRefused_ListingEachCandidate()
    {
        var (sandbox, firstRun) = await RunThenInsertAboveAsync();
        await using var _ = sandbox;
        var second = await sandbox.RunAsync(Repo.CanonicalFlow); // records Dana as row 2 and Anna as row 3
        var secondRun = Sandbox.RunIdOf(second);
        sandbox.ClearReceived();

        var replay = await ReplayAsync(sandbox, "--row", "3", "--force");

        Assert.True(replay.ExitCode == CliApp.Usage, replay.ToString());
        Assert.Contains($"--run {firstRun} --row 3   chloe@example.com", replay.Errors, StringComparison.Ordinal);
        Assert.Contains($"--run {secondRun} --row 3   anna@example.com", replay.Errors, StringComparison.Ordinal);
        Assert.Empty(sandbox.HelpCrunchReceived);
        Assert.Empty(sandbox.Services.Telegram.SentMessages);
    }

    /// <summary>"No such row" is one exit code everywhere (issue 12 item 6): replay used to say 4 where test and
    /// sample said 2.</summary>
    [Fact]
    public async Task ReplayOfARowThatDoesNotExist_ExitsTwo_AsTestAndSampleDo()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(run.ExitCode == 0, run.ToString());

        var neverRecorded = await ReplayAsync(sandbox, "--row", "40");
        var notInThatRun = await ReplayAsync(sandbox, "--run", Sandbox.RunIdOf(run), "--row", "40");
        var sample = await CliResult.RunAsync("sample", Repo.CanonicalFlow, "--row", "40", "--connections", sandbox.ConnectionsPath);
        var test = await sandbox.TestAsync(Repo.CanonicalFlow, "--row", "40");

        Assert.True(neverRecorded.ExitCode == 2, neverRecorded.ToString());
        Assert.Contains("row 40 was never recorded", neverRecorded.Errors, StringComparison.Ordinal);
        Assert.True(notInThatRun.ExitCode == 2, notInThatRun.ToString());
        Assert.Contains("recorded no row 40", notInThatRun.Errors, StringComparison.Ordinal);
        Assert.True(sample.ExitCode == 2 && test.ExitCode == 2, sample + "\n" + test);
    }

    [Fact]
    public async Task History_EscapesControlCharactersOfTheCells()
    {
        await using var sandbox = await Sandbox.StartAsync(["eve@example.com", "Eve\u001b[2J\u202eevil", "+1", "Evil Corp", "en"]);
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);

        var history = await sandbox.HistoryAsync("--run", Sandbox.RunIdOf(run));

        Assert.DoesNotContain('\u001b', history.Output);
        Assert.DoesNotContain('\u202e', history.Output);
        Assert.Contains("eve@example.com, Eve\\u001B[2J\\u202Eevil", history.Output, StringComparison.Ordinal);
    }
}
