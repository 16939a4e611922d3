using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The shipped rules/helpcrunch-contacts.json, run by the <c>run</c> verb against the emulated services: update the
/// contact found by email; if that failed, create it; if that failed too, alert on Telegram.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class CanonicalFlowTests
{
    [Fact]
    public async Task Run_UpdatesTheExistingContact_AndCreatesNothing_WhenTheEmailIsKnown()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        var existing = sandbox.Services.HelpCrunch.AddContact(new JObject { ["email"] = "anna@example.com", ["name"] = "Anna K.", ["locale"] = "en" });

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        var contact = Assert.Single(sandbox.Services.HelpCrunch.Contacts);
        Assert.Equal(existing["id"]!.ToString(), contact["id"]!.ToString());
        Assert.Equal("Anna Kovalenko", contact.Value<string>("name"));
        Assert.Equal("+380501112233", contact.Value<string>("phone"));
        Assert.Equal("Acme", contact.Value<string>("company"));
        Assert.Equal("uk", contact.Value<string>("locale"));
        var patch = Assert.Single(sandbox.HelpCrunchWrites);
        Assert.Equal(("PATCH", $"/v1/customers/{existing["id"]}"), (patch.Method, patch.Path));
        Assert.Empty(sandbox.HelpCrunchCreates);
        Assert.Empty(sandbox.Services.Telegram.SentMessages);
    }

    [Fact]
    public async Task Run_CreatesTheContact_WhenNoContactHasTheEmail()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Ben);

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("no HelpCrunch contact with email = ben@example.com", result.Output, StringComparison.Ordinal);
        var create = Assert.Single(sandbox.HelpCrunchWrites);
        Assert.Equal(("POST", "/v1/customers"), (create.Method, create.Path));
        var body = JObject.Parse(create.Body);
        Assert.Equal("ben@example.com", body.Value<string>("email"));
        Assert.Equal("Ben Carter", body.Value<string>("name"));
        Assert.Equal("+14155550101", body.Value<string>("phone"));
        Assert.Equal("Globex", body.Value<string>("company"));
        Assert.Equal("en", body.Value<string>("locale"));
        Assert.Contains("from-sheet", body["tags"]!.ToString(), StringComparison.Ordinal);

        var contact = Assert.Single(sandbox.Services.HelpCrunch.Contacts);
        Assert.Equal(("ben@example.com", "Ben Carter", "Globex", "en"),
            (contact.Value<string>("email"), contact.Value<string>("name"), contact.Value<string>("company"), contact.Value<string>("locale")));
        Assert.Empty(sandbox.Services.Telegram.SentMessages);
    }

    [Fact]
    public async Task Run_SendsOneTelegramAlert_WithTheRowTheErrorAndTheRunLink_WhenUpdateAndCreateBothFail()
    {
        // Chloe's locale 'xx' is not ISO 639-1: update and create both refuse it. Dana's row comes after and
        // must still be processed: a failed step is data, not the end of the run.
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Chloe, Sandbox.Dana);

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = Sandbox.RunIdOf(result);
        var message = Assert.Single(sandbox.Services.Telegram.SentMessages);
        Assert.Equal("-1001234567890", message.ChatId);
        foreach (var cell in Sandbox.Chloe) Assert.Contains(cell, message.Text, StringComparison.Ordinal);
        Assert.Contains("Row 2:", message.Text, StringComparison.Ordinal);
        Assert.Contains("Create: locale 'xx' is not an ISO 639-1 language code", message.Text, StringComparison.Ordinal);
        Assert.Contains($"rulesengine://runs/helpcrunch-contacts/{runId}", message.Text, StringComparison.Ordinal);

        // The row's failing steps are shown with their error text, and the run went on to Dana's row.
        var chloeLine = Assert.Single(result.Output.Split('\n'), l => l.Contains("chloe@example.com", StringComparison.Ordinal));
        Assert.Contains("create: FAILED (locale 'xx' is not an ISO 639-1 language code", chloeLine, StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.HelpCrunchWrites, r => r.Body.Contains("chloe@example.com", StringComparison.Ordinal));
        var created = Assert.Single(sandbox.Services.HelpCrunch.Contacts);
        Assert.Equal("dana@example.com", created.Value<string>("email"));
    }

    [Fact]
    public async Task Run_DoesNotCountCreateAsFailed_WhenItDidNotRun()
    {
        // "Not run" is not "failed": when the update succeeds, create never runs, so "create.Failed" must not hold.
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        sandbox.Services.HelpCrunch.AddContact("anna@example.com", "Anna K.");

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(sandbox.HelpCrunchCreates);
        Assert.Empty(sandbox.Services.Telegram.SentMessages);
        Assert.DoesNotContain(sandbox.Services.Telegram.Received, r => r.Path.Contains("sendMessage", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("(0 need a person, 0 with failures the flow handled", result.Output, StringComparison.Ordinal);
        var history = await sandbox.HistoryAsync("--run", Sandbox.RunIdOf(result), "--json");
        var row = Assert.Single((JArray)JObject.Parse(history.Output)["rows"]!);
        Assert.Equal(0, row.Value<int>("failedSteps"));
        var steps = row["steps"]!.Select(s => (s.Value<string>("stepId"), s.Value<int>("result"))).ToList();
        Assert.Equal([("update", 1), ("ifUpdateFailed", 0), ("ifCreateFailed", 0)], steps);
    }
}
