using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Demo;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

/// <summary><c>rulesengine connections test</c> against the emulators: each type's self-test request, in-process.</summary>
[Collection(ProcessWideState.Name)]
public sealed class ConnectionsTestVerbTests
{
    private static Dictionary<string, (string Status, string Detail)> Results(CliRun run) =>
        JObject.Parse(run.Output)["connections"]!.ToDictionary(c => c["name"]!.ToString(), c => (c["status"]!.ToString(), c["detail"]!.ToString()));

    [Fact]
    public async Task ConnectionsTest_PassesEverySelfTest_AgainstTheEmulators()
    {
        await using var emulators = await Emulators.StartAsync();

        var run = await CliRun.RunAsync("connections", "test", "--connections", emulators.Connections, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var results = Results(run);
        Assert.Equal("passed", results["helpcrunch"].Status);
        Assert.Equal("passed", results["telegram"].Status);
        Assert.Contains("@", results["telegram"].Detail, StringComparison.Ordinal);
        Assert.Equal("passed", results["email"].Status);
        Assert.Contains("accepted the sign-in", results["email"].Detail, StringComparison.Ordinal);
        Assert.Equal(("noSelfTest", "noSelfTest"), (results["google"].Status, results["googleWriter"].Status));
        Assert.Contains(emulators.Services.HelpCrunch.Received, r => r.Path.EndsWith("/customers/search", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionsTest_FailsAWrongCredential_WithoutShowingIt()
    {
        await using var emulators = await Emulators.StartAsync();
        var connections = JObject.Parse(await File.ReadAllTextAsync(emulators.Connections));
        connections["helpcrunch"]!["apiKey"] = "hc-wrong-key-never-shown-7731";
        connections["helpcrunch"]!["maxAttempts"] = 1;
        connections["email"]!["password"] = "smtp-wrong-password-never-shown-0042";
        connections["email"]!["maxAttempts"] = 1;
        var path = emulators.File("wrong.json");
        await File.WriteAllTextAsync(path, connections.ToString());

        var run = await CliRun.RunAsync("connections", "test", "helpcrunch", "email", "telegram", "--connections", path);

        Assert.Equal(1, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("FAILED helpcrunch (helpCrunch):", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("FAILED email (email):", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("ok     telegram (telegram):", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("never-shown", run.Output + run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionsTest_ReportsAConnectionThatDoesNotLoad_AtTheConnectionsFile()
    {
        using var scratch = new Scratch();
        var path = scratch.File("connections.json");
        await File.WriteAllTextAsync(path, "{\n  \"t\": { \"type\": \"telegram\", \"botToken\": \"${env:RULESENGINE_NEVER_SET_TOKEN}\" }\n}");

        var run = await CliRun.RunAsync("connections", "test", "--connections", path);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("FAILED t (telegram): did not load", run.Output, StringComparison.Ordinal);
        Assert.Contains($"{path}(2,42): error RE0302", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_NeedsTheTestSubverb()
    {
        var run = await CliRun.RunAsync("connections");

        Assert.Equal(64, run.ExitCode);
        Assert.NotEqual(EmulatedServices.HelpCrunchApiKey, run.Errors);
    }
}
