using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Tests;

/// <summary>What people and scripts read from the command line: exit codes, help, and messages that say what is true.</summary>
[Collection(ProcessWideState.Name)]
public sealed class CliMessagesTests
{
    [Fact]
    public async Task BareRulesengine_PrintsTheOverview_ExitsZero_AndNamesEveryVerb()
    {
        var result = await CliResult.RunAsync();

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var verb in CliApp.VerbNames) Assert.Contains($"\n  {verb} ", result.Output.Replace("enable|disable", "enable \n  disable ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("replay <flow.json>", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_RefusesToStartWithExitTwo_WhenTheConnectionsFileDoesNotLoad()
    {
        // Exit 2 is "refused to start: a set-up problem" (the systemd unit does not restart it); 1 is a crash, restarted.
        var directory = Directory.CreateTempSubdirectory("rulesengine-serve-refusal-").FullName;
        try
        {
            var connections = Path.Combine(directory, "connections.json");
            await File.WriteAllTextAsync(connections, """{ "telegram": { "type": "telegram", "botTokn": "x" } }""");
            var state = Path.Combine(directory, "state.db");

            var result = await CliResult.RunAsync("serve", "--rules", directory, "--connections", connections, "--state", state, "--create-state");

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains("botTokn", result.Errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownVerb_StillExits64()
    {
        var result = await CliResult.RunAsync("frobnicate");

        Assert.Equal(64, result.ExitCode);
    }

    [Fact]
    public async Task Disable_AFlowThatDoesNotExist_ExitsOne_SuggestsTheName_AndSwitchesNothing()
    {
        var state = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10], "state.db");

        var wrong = await CliResult.RunAsync("disable", "helpcrunch-contact", "--rules", Repo.RulesFolder, "--state", state);
        var right = await CliResult.RunAsync("disable", Sandbox.FlowName, "--rules", Repo.RulesFolder, "--state", state);
        var enable = await CliResult.RunAsync("enable", "nosuchflow", "--rules", Repo.RulesFolder, "--state", state);

        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains("no flow named 'helpcrunch-contact'", wrong.Errors, StringComparison.Ordinal);
        Assert.Contains("did you mean 'helpcrunch-contacts'?", wrong.Errors, StringComparison.Ordinal);
        Assert.True(right.ExitCode == 0, right.ToString());
        Assert.True(enable.ExitCode == 1, enable.ToString());
        using var store = new SqliteStateStore(state);
        Assert.False(store.IsEnabled(Sandbox.FlowName));
        Assert.True(store.IsEnabled("helpcrunch-contact"));
        Assert.True(store.IsEnabled("nosuchflow"));
    }

    [Fact]
    public void BusyMessage_ShowsTheHoldersStartAsATime_NotTicks()
    {
        var started = new DateTime(2026, 11, 25, 14, 48, 15, DateTimeKind.Utc);

        var busy = new FlowBusyException("contacts", $"pid 3557 on vm (started {started.Ticks}), 1a2b3c");

        Assert.Contains("(pid 3557 on vm, started 2026-11-25 14:48:15Z)", busy.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(started.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), busy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ExitsTwo_WhenTheRowDoesNotExist_AsItsHelpSays()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);

        var result = await sandbox.TestAsync(Repo.CanonicalFlow, "--row", "40");
        var help = await CliResult.RunAsync("test", "--help");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("row 40 is empty or does not exist", result.Errors, StringComparison.Ordinal);
        Assert.Contains("2 when the source cannot be read or has no such row", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_SaysElse_OnlyForAnIfThatHasOne_AndShowsJsonBodiesReadably()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        sandbox.Services.HelpCrunch.AddContact(new JObject { ["email"] = "anna@example.com", ["name"] = "Anna K." });
        var flow = JObject.Parse(await File.ReadAllTextAsync(Repo.CanonicalFlow));
        flow["steps"]![1]!["else"] = new JArray(new JObject
        {
            ["id"] = "updated", ["type"] = "telegram.sendMessage", ["connection"] = "telegram", ["chatId"] = "-1001234567890",
            ["text"] = "updated {Email}: {Phone}, locale '{Locale}'",
        });
        var path = Path.Combine(sandbox.Directory, "with-else.json");
        await File.WriteAllTextAsync(path, flow.ToString());

        var result = await sandbox.TestAsync(path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("  ifUpdateFailed: condition does not hold -> else", lines);
        Assert.Contains("  ifCreateFailed: condition does not hold -> skipped (no else)", lines);
        Assert.Contains("updated anna@example.com: +380501112233, locale 'uk'", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(@"\u002B", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(@"\u0027", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_CallsItsRowsReplayed_NotNew()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Chloe);
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(run.ExitCode == 0, run.ToString());

        var replay = await CliResult.RunAsync("replay", Repo.CanonicalFlow, "--run", Sandbox.RunIdOf(run),
            "--connections", sandbox.ConnectionsPath, "--state", sandbox.StatePath);

        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains(": 1 replayed row(s) in ", replay.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("new row(s)", replay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void RunPs1_OffersEveryVerbPeopleRun()
    {
        var script = File.ReadAllText(Path.Combine(Repo.Root, "run.ps1"));
        var offered = System.Text.RegularExpressions.Regex.Match(script, @"ValidateSet\(([^)]*)\)").Groups[1].Value
            .Split(',').Select(v => v.Trim().Trim('\'')).ToHashSet(StringComparer.Ordinal);
        string[] editorVerbs = ["schema", "list", "init", "sample", "completion"]; // editor and shell support: run directly, not through the script

        foreach (var verb in CliApp.VerbNames.Except(editorVerbs))
            Assert.Contains(verb == "test" ? "test-flow" : verb, offered);
    }

    [Fact]
    public async Task AnUnknownOption_AtTheEndOfTheLine_IsCalledUnknown_NotMissingAValue()
    {
        var result = await CliResult.RunAsync("run", Repo.CanonicalFlow, "--bogus");

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("unknown option --bogus", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("needs a value", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOptionFollowedByAnotherOption_NeedsAValue_ItDoesNotTakeTheOptionAsItsValue()
    {
        var result = await CliResult.RunAsync("run", Repo.CanonicalFlow, "--state", "--wait");

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("--state needs a value", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OfAFlowStartedOnlyAfterAnother_SaysAfter_NotAlsoAfter()
    {
        var folder = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "first.json"), """{"name": "first", "triggers": {"interval": "00:05:00"}}""");
        await File.WriteAllTextAsync(Path.Combine(folder, "second.json"), """{"name": "second", "triggers": {"after": ["first"]}}""");

        var result = await CliResult.RunAsync("status", "--rules", folder, "--state", Path.Combine(folder, "state.db"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  next run:   after first (success)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("next run:   also", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public async Task History_WithALimitBelowOne_IsAWrongCommandLine_NotNoRunsRecorded(string limit)
    {
        var result = await CliResult.RunAsync("history", "--limit", limit, "--state", Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-nosuch.db"));

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("--limit must be at least 1", result.Errors, StringComparison.Ordinal);
    }
}
