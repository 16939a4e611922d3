using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The <c>test</c> verb ("test data"): shows the exact requests and the predicted branches for one real row, sends
/// nothing that writes, and never moves the new-rows position; with <c>--send</c> it really sends that one row.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class TestVerbTests
{
    [Fact]
    public async Task Test_PrintsTheSearchAndPatchRequests_AndSendsNothingThatWrites_WhenTheContactExists()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Ben);
        var anna = sandbox.Services.HelpCrunch.AddContact("anna@example.com", "Anna K.", locale: "en");
        var api = sandbox.Services.HelpCrunch.BaseUrl;

        var result = await sandbox.TestAsync(Repo.CanonicalFlow, "--row", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Output);
        Assert.Contains($"  update: would send POST {api}/customers/search", lines);
        Assert.Contains($"  update: would send PATCH {api}/customers/{anna["id"]}", lines);
        Assert.Contains("anna@example.com", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"Anna Kovalenko\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("  update: predicted: execution result 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("  ifUpdateFailed: condition does not hold -> skipped (no else)", lines);
        Assert.Contains("  ifCreateFailed: condition does not hold -> skipped (no else)", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("  create:", StringComparison.Ordinal));

        Assert.Empty(sandbox.HelpCrunchWrites);
        Assert.Equal("Anna K.", Assert.Single(sandbox.Services.HelpCrunch.Contacts).Value<string>("name"));
        Assert.Empty(sandbox.Services.Telegram.Received);

        // "Exact": a real run sends the very requests the preview printed for this row. `test` shows a row alone; a
        // run batches the searches and updates of several rows (docs/receivers.md), so the run takes one row at a time.
        var printedSearch = PrintedBody(lines, $"  update: would send POST {api}/customers/search");
        var printedPatch = PrintedBody(lines, $"  update: would send PATCH {api}/customers/{anna["id"]}");
        sandbox.ClearReceived();
        var oneAtATime = JObject.Parse(await File.ReadAllTextAsync(Repo.CanonicalFlow));
        oneAtATime["batchSize"] = 1;
        var flowPath = Path.Combine(sandbox.Directory, "one-row-at-a-time.json");
        await File.WriteAllTextAsync(flowPath, oneAtATime.ToString());
        var run = await sandbox.RunAsync(flowPath);
        Assert.True(run.ExitCode == 0, run.ToString());
        var sentSearch = sandbox.HelpCrunchReceived.First(r => r.Path == "/v1/customers/search" && r.Body.Contains("anna@", StringComparison.Ordinal));
        var sentPatch = Assert.Single(sandbox.HelpCrunchReceived, r => r.Method == "PATCH");
        Assert.Equal(printedSearch.ToString(), JToken.Parse(sentSearch.Body).ToString());
        Assert.Equal(printedPatch.ToString(), JToken.Parse(sentPatch.Body).ToString());
    }

    [Fact]
    public async Task Test_PredictsTheCreateBranch_AndShowsTheCreateRequest_WhenNoContactMatches()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Ben);
        var api = sandbox.Services.HelpCrunch.BaseUrl;

        var result = await sandbox.TestAsync(Repo.CanonicalFlow); // the last row: Ben's

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Output);
        Assert.StartsWith("row 3: Email=ben@example.com", lines[0], StringComparison.Ordinal);
        Assert.Contains($"  update: would send POST {api}/customers/search", lines);
        Assert.Contains("  ifUpdateFailed: condition holds -> then", lines);
        Assert.Contains($"  create: would send POST {api}/customers", lines);
        Assert.Contains("\"email\": \"ben@example.com\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("  nothing sent, nothing recorded, position unchanged", lines);

        Assert.Empty(sandbox.HelpCrunchWrites);
        Assert.Empty(sandbox.Services.HelpCrunch.Contacts);
        Assert.Empty(sandbox.Services.Telegram.Received);

        // The position did not move: a real run still processes both rows.
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 new row(s)", run.Output, StringComparison.Ordinal);
        Assert.Contains(sandbox.Services.HelpCrunch.Contacts, c => c.Value<string>("email") == "ben@example.com");
    }

    [Fact]
    public async Task TestSend_ShowsAHeldStepAsHeld_NotAsAnExecutionResultOfDash()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        sandbox.Services.HelpCrunch.Faults.FailNext(RulesEngine.Emulation.Fault.Answer("""{"total": 1}"""), "/customers/search");

        var result = await sandbox.TestAsync(Repo.CanonicalFlow, "--send", "--row", "2");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = Lines(result.Output);
        Assert.Contains("  update: result: held, no answer from the service (not routed; a run would try it again)", lines);
        Assert.DoesNotContain("execution result -", result.Output, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  held: update: ", StringComparison.Ordinal) && l.Contains("not the documented answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TestSend_CreatesTheContactForThatRowOnly_AndDoesNotMoveThePosition()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Ben);

        var result = await sandbox.TestAsync(Repo.CanonicalFlow, "--send", "--row", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("  create: result: execution result 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("  sent for real; nothing recorded, position unchanged", Lines(result.Output));
        var created = Assert.Single(sandbox.HelpCrunchCreates);
        Assert.Contains("ben@example.com", created.Body, StringComparison.Ordinal);
        Assert.Equal("ben@example.com", Assert.Single(sandbox.Services.HelpCrunch.Contacts).Value<string>("email"));
        Assert.Empty(sandbox.Services.Telegram.SentMessages);

        // Nothing was recorded: the run still takes rows 2 and 3; Ben now exists, so his row is an update.
        sandbox.ClearReceived();
        var run = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 new row(s)", run.Output, StringComparison.Ordinal);
        var benLine = Assert.Single(Lines(run.Output), l => l.Contains("ben@example.com", StringComparison.Ordinal));
        Assert.StartsWith("  row 3 ", benLine, StringComparison.Ordinal);
        Assert.Contains("update: ok", benLine, StringComparison.Ordinal);
        Assert.Contains(sandbox.HelpCrunchWrites, r => r.Method == "PATCH");
    }

    /// <summary>The JSON body printed (indented) under a "would send" line.</summary>
    private static JToken PrintedBody(List<string> lines, string requestLine)
    {
        var at = lines.IndexOf(requestLine);
        Assert.True(at >= 0, $"no line '{requestLine}' in:\n{string.Join('\n', lines)}");
        var body = lines.Skip(at + 1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal));
        return JToken.Parse(string.Join('\n', body));
    }

    private static List<string> Lines(string text) => [.. text.ReplaceLineEndings("\n").Split('\n')];
}
