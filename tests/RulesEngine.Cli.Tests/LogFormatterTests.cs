using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Hosting.Logging;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The daemon's log lines carry the flow, the run and the row they are about, on the console and with
/// --json-logs, instead of <c>=> System.Collections.Generic.Dictionary`2[...]</c>. The engine's own run logging
/// (LeasedRunExecutor, as serve uses it) runs the canonical flow and its lines go through each formatter.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class LogFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 22, 46, 38, 123, TimeSpan.Zero);

    [Fact]
    public async Task PlainLines_ShowTheFlowRunAndRowScopes_NotATypeName()
    {
        var lines = await RunAndLogAsync(new PlainLogFormatter(new FakeTimeProvider(Now)));

        Assert.DoesNotContain(lines, l => l.Contains("System.Collections", StringComparison.Ordinal));
        var row = Assert.Single(lines, l => l.Contains("with failures the flow handled: update:", StringComparison.Ordinal));
        Assert.Matches(@"^2026-12-04 22:46:38\.123Z info RulesEngine\.Runs \[flow=helpcrunch-contacts run=\S+ row=2\] Row 2 ", row);
        var summary = Assert.Single(lines, l => l.Contains(" completed: ", StringComparison.Ordinal));
        Assert.Matches(@"\[flow=helpcrunch-contacts run=\S+\] Run ", summary);
    }

    [Fact]
    public async Task JsonLines_AreCamelCase_WithScopesAndNamedValuesAsObjects()
    {
        var lines = await RunAndLogAsync(new JsonLogFormatter(new FakeTimeProvider(Now)));

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var problems = JsonKeys.Problems(JObject.Parse(line));
            Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + line);
        }
        var row = ParseKeepingTexts(Assert.Single(lines, l => l.Contains("with failures the flow handled: update:", StringComparison.Ordinal)));
        Assert.Equal("2026-12-04T22:46:38.123Z", row.Value<string>("timestamp"));
        Assert.Equal("information", row.Value<string>("level"));
        Assert.Equal("RulesEngine.Runs", row.Value<string>("category"));
        Assert.Equal("helpcrunch-contacts", row["scopes"]!.Value<string>("flow"));
        Assert.False(string.IsNullOrEmpty(row["scopes"]!.Value<string>("run")));
        Assert.Equal(JTokenType.Integer, row["scopes"]!["row"]!.Type);
        Assert.Equal(2, row["state"]!.Value<int>("row"));
        Assert.Equal("done", row["state"]!.Value<string>("status")); // enum values are camelCase (docs/json-output.md)
        Assert.StartsWith("Row 2 done with failures", row.Value<string>("message"), StringComparison.Ordinal);
        Assert.Equal("Row {Row} {Status} with failures the flow handled: {Failed}", row.Value<string>("template"));
    }

    /// <summary>Parses a line without turning timestamps into dates, so the text is what is checked.</summary>
    private static JObject ParseKeepingTexts(string line)
    {
        using var reader = new Newtonsoft.Json.JsonTextReader(new StringReader(line)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
        return JObject.Load(reader);
    }

    /// <summary>Runs the canonical flow on Chloe's row (update and create fail, the alert goes out) the way the
    /// daemon does, logging through <paramref name="formatter"/>.</summary>
    private static async Task<List<string>> RunAndLogAsync(Microsoft.Extensions.Logging.Console.ConsoleFormatter formatter)
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Chloe);
        var flow = FlowSession.LoadOne(Repo.CanonicalFlow, sandbox.ConnectionsPath, new Console(TextWriter.Null, TextWriter.Null))!;
        Assert.NotNull(flow);
        using var writer = new StringWriter();
        using (var store = new SqliteStateStore(sandbox.StatePath))
        {
            var executor = new LeasedRunExecutor(store, TimeProvider.System, new FormatterLogger(formatter, "RulesEngine.Runs", writer));
            await executor.RunAsync(flow, CancellationToken.None, CancellationToken.None);
        }
        return [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'))];
    }
}
