using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>Issue 9 item 4: a run on a state file that did not exist says so on its first line, with the path and how
/// many existing rows it will process; a wrong --state must not silently process everything again.</summary>
[Collection(ProcessWideState.Name)]
public sealed class NewStateFileTests
{
    [Fact]
    public async Task FirstRun_SaysNewStateFile_WithThePathAndTheRows_AndTheNextRunDoesNot()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);

        var first = await sandbox.RunAsync(Repo.CanonicalFlow);
        var second = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith($"new state file {sandbox.StatePath}: 2 existing row(s) will be processed", FirstLine(first), StringComparison.Ordinal);
        Assert.StartsWith("run ", FirstLine(second), StringComparison.Ordinal);
        Assert.DoesNotContain("new state file", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstRun_WithExistingRowsSkip_SaysTheRowsAreSkipped()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben, Sandbox.Chloe);
        var flow = Path.Combine(sandbox.Directory, "skip.json");
        Directory.CreateDirectory(sandbox.Directory);
        File.WriteAllText(flow, File.ReadAllText(Repo.CanonicalFlow).Replace("\"existingRows\": \"process\"", "\"existingRows\": \"skip\"", StringComparison.Ordinal));
        Assert.Contains("\"existingRows\": \"skip\"", File.ReadAllText(flow), StringComparison.Ordinal);

        var first = await sandbox.RunAsync(flow);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.StartsWith($"new state file {sandbox.StatePath}: \"existingRows\": \"skip\"", FirstLine(first), StringComparison.Ordinal);
        Assert.Empty(sandbox.HelpCrunchReceived);
    }

    [Fact]
    public async Task FirstRun_WhoseSourceCannotBeRead_StillSaysNewStateFileFirst()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);
        sandbox.Services.Sheets.DenyAccess(Sandbox.SpreadsheetId);

        var first = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(first.ExitCode == 2, first.ToString());
        Assert.StartsWith($"new state file {sandbox.StatePath}", FirstLine(first), StringComparison.Ordinal);
    }

    private static string FirstLine(CliResult result) => result.Output.ReplaceLineEndings("\n").Split('\n')[0];
}
