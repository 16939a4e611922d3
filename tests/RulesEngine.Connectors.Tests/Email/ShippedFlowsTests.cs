using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Cli.Demo;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email.Tests;

/// <summary>
/// Every flow shipped in rules/ loads against the root connections.json (secrets from the environment, as users run
/// it) and runs against the four emulators, with rows chosen so each of its receivers does its job. A new flow
/// without a scenario here fails <see cref="EveryShippedFlow_HasAScenario"/>.
/// </summary>
[Collection(nameof(ShippedFlowsTests))] // they set process-wide environment variables
public sealed class ShippedFlowsTests
{
    /// <summary>Per flow: the rows of its source tab (by header name), extra tabs, and what must be true afterwards.</summary>
    private sealed record Scenario(
        IReadOnlyList<IReadOnlyDictionary<string, string>> Rows,
        Action<EmulatedServices> Seed,
        Action<EmulatedServices, RunReport> Check);

    private static Dictionary<string, string> Row(params (string Column, string Value)[] cells) => cells.ToDictionary(c => c.Column, c => c.Value);

    private static readonly Dictionary<string, Scenario> Scenarios = new(StringComparer.Ordinal)
    {
        ["helpcrunch-contacts.json"] = new(
            [
                Row(("Email", "anna@example.com"), ("Name", "Anna"), ("Locale", "uk")),
                Row(("Email", "ben@example.com"), ("Name", "Ben"), ("Locale", "en")),
                Row(("Email", "chloe@example.com"), ("Name", "Chloe"), ("Locale", "xx")),
            ],
            s => s.HelpCrunch.AddContact("anna@example.com"),
            (s, run) =>
            {
                Assert.Equal(2, s.HelpCrunch.Contacts.Count);
                Assert.Contains("chloe@example.com", Assert.Single(s.Telegram.SentMessages).Text, StringComparison.Ordinal);
            }),
        ["email-alert.json"] = new(
            [
                Row(("Email", "ben@example.com"), ("Name", "Ben"), ("Locale", "en")),
                Row(("Email", "chloe@example.com"), ("Name", "Chloe"), ("Locale", "xx")),
            ],
            _ => { },
            (s, run) =>
            {
                var mail = Assert.Single(s.Smtp.Messages);
                Assert.Equal("HelpCrunch: could not add lead chloe@example.com", mail.Subject);
                Assert.Contains("ops@example.com", mail.Recipients);
                Assert.Contains(run.Link, mail.TextBody, StringComparison.Ordinal);
                Assert.Equal(EmulatedServices.SmtpUser, mail.SignedInAs);
            }),
        ["sheet-status-writeback.json"] = new(
            [
                Row(("Email", "anna@example.com"), ("Name", "Anna"), ("Locale", "uk")),
                Row(("Email", "ben@example.com"), ("Name", "Ben"), ("Locale", "en")),
                Row(("Email", "chloe@example.com"), ("Name", "Chloe"), ("Locale", "xx")),
            ],
            s => s.HelpCrunch.AddContact("anna@example.com"),
            (s, run) =>
            {
                var status = s.Sheets.ReadSheet(Spreadsheet, "Signups").Skip(1).Select(r => r.Count > 3 ? r[3] : "").ToList();
                Assert.Equal("updated", status[0]);
                Assert.Equal("created", status[1]);
                Assert.StartsWith("error: ", status[2], StringComparison.Ordinal);
            }),
        ["sheet-failure-log.json"] = new(
            [
                Row(("Email", "ben@example.com"), ("Name", "Ben"), ("Locale", "en")),
                Row(("Email", "chloe@example.com"), ("Name", "Chloe"), ("Locale", "xx")),
            ],
            s => s.Sheets.AddSheet(Spreadsheet, "Failures", [["Email", "Name", "Row", "Error", "Run"]]),
            (s, run) =>
            {
                var failures = s.Sheets.ReadSheet(Spreadsheet, "Failures");
                Assert.Equal(2, failures.Count);
                Assert.Equal(["chloe@example.com", "Chloe", "3"], failures[1].Take(3));
                Assert.Contains("locale", failures[1][3], StringComparison.Ordinal);
                Assert.Equal(run.Link, failures[1][4]);
            }),
        ["helpcrunch-tags.json"] = new(
            [
                Row(("Email", "anna@example.com"), ("UserId", "u-1"), ("Plan", "Pro"), ("Seats", "12"), ("Paid", "TRUE"), ("Renews", "2026-12-01")),
                Row(("Email", "ben@example.com"), ("UserId", "u-7"), ("Plan", "Team"), ("Seats", "3"), ("Paid", "no"), ("Renews", "")),
            ],
            s =>
            {
                s.HelpCrunch.AddContact(JObject.Parse("""{"email":"anna@example.com","userId":"u-1","tags":["trial"]}"""));
                s.HelpCrunch.AddContact(JObject.Parse("""{"email":"old-ben@example.com","userId":"u-7","tags":["trial"]}"""));
            },
            (s, run) =>
            {
                var anna = s.HelpCrunch.Contacts.Single(c => c.Value<string>("userId") == "u-1");
                Assert.True(JToken.DeepEquals(JObject.Parse("""{"plan":"Pro","seats":12,"paid":true,"renews_on":"1796083200"}"""), anna["customData"]), anna.ToString());
                Assert.Equal(["customer", "plan-pro"], anna["tags"]!.Select(t => t.Value<string>("name")));
                var ben = s.HelpCrunch.Contacts.Single(c => c.Value<string>("userId") == "u-7");
                Assert.Equal("ben@example.com", ben.Value<string>("email")); // the taken userId updated that contact
                Assert.Equal(["customer", "plan-team"], ben["tags"]!.Select(t => t.Value<string>("name")));
                Assert.Equal(2, s.HelpCrunch.Contacts.Count);
            }),
    };

    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";

    public static TheoryData<string> ShippedFlows() => [.. FlowFiles().Select(f => Path.GetFileName(f))];

    [Fact]
    public void EveryShippedFlow_HasAScenario()
    {
        Assert.NotEmpty(FlowFiles());
        Assert.All(FlowFiles(), f => Assert.True(Scenarios.ContainsKey(Path.GetFileName(f)), $"add a scenario for {Path.GetFileName(f)} to {nameof(ShippedFlowsTests)}"));
    }

    [Fact]
    public async Task EveryShippedFlow_Validates_WithTheRootConnectionsFile()
    {
        // Starting the emulators sets every secret the root connections file names.
        await using var services = await EmulatedServices.StartAsync(Scratch());
        var registry = Composition.Registry();
        var diagnostics = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(Path.Combine(RepositoryRoot(), "connections.json"), registry, diagnostics);

        var set = new FlowLoader(registry, connections).Load(FlowFiles());

        Assert.True(diagnostics.Count == 0 && set.Succeeded, string.Join("\n", diagnostics.Concat(set.Diagnostics)));
        Assert.Equal(FlowFiles().Count, set.Flows.Count);
    }

    [Theory]
    [MemberData(nameof(ShippedFlows))]
    public async Task ShippedFlow_RunsAgainstTheEmulators(string file)
    {
        var scenario = Scenarios[file];
        await using var services = await EmulatedServices.StartAsync(Scratch(), paced: false);
        var json = JObject.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "rules", file)));
        var source = (JObject)json["source"]!;
        var header = source["columns"]!.Select(c => c.ToString()).ToList();
        services.Sheets.AddSheet(source["spreadsheetId"]!.ToString(), source["sheet"]!.ToString(),
            [header, .. scenario.Rows.Select(r => (IReadOnlyList<string>)[.. header.Select(h => r.TryGetValue(h, out var v) ? v : "")])]);
        scenario.Seed(services);

        var registry = Composition.Registry();
        var diagnostics = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(services.ConnectionsPath, registry, diagnostics);
        var flowPath = Path.Combine(services.Directory, file);
        await File.WriteAllTextAsync(flowPath, json.ToString());
        var set = new FlowLoader(registry, connections).Load([flowPath]);
        Assert.True(diagnostics.Count == 0 && set.Succeeded, string.Join("\n", diagnostics.Concat(set.Diagnostics)));
        using var store = new SqliteStateStore(Path.Combine(services.Directory, "state.db"));
        var runner = new FlowRunner(store);

        var run = await runner.RunAsync(set.Flows.Single(), CancellationToken.None);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(scenario.Rows.Count, run.Items.Count);
        Assert.All(run.Items, i => Assert.True(i.Status == RowStatus.Done, $"row {i.Item.Number}: {i.Status} {i.Error} " +
            string.Join("; ", i.Steps.Select(s => $"{s.StepId}={s.Status} {s.Error}"))));
        scenario.Check(services, run);

        // A second run finds nothing new, even where the flow wrote into its own source tab.
        var again = await runner.RunAsync(set.Flows.Single(), CancellationToken.None);
        Assert.DoesNotContain(again.Items, i => i.Status == RowStatus.Done);
    }

    private static IReadOnlyList<string> FlowFiles() => FlowLoader.FindFlowFiles([Path.Combine(RepositoryRoot(), "rules")])
        .Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)).ToList();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RulesEngine.sln"))) return dir.FullName;
        throw new InvalidOperationException("RulesEngine.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Scratch()
    {
        var path = Path.Combine(Path.GetTempPath(), "shipped-flows-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
