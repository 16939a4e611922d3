using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

public sealed class UpdateContactStepTests
{
    private static UpdateContactStep Step(HelpCrunchClient client, MultipleMatches multiple = MultipleMatches.First, string searchBy = "email") =>
        new(client, searchBy, multiple, item => item.Row["Email"], item => new JObject { ["name"] = item.Row["Name"] });

    [Fact]
    public async Task UpdateContact_PatchesContact_WhenEmailMatches()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("ann@example.com", "Ann")["id"]!.Value<long>();
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("  ann@example.com ", JObject.Parse("""{"name":"Ann Lee","locale":"UK","city":"Kyiv"}"""), default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(id.ToString(), outcome.Output["contactId"]);
        Assert.Equal("1", outcome.Output["matches"]);
        var contact = emulator.Contact(id)!;
        Assert.Equal("Ann Lee", contact["name"]!.ToString());
        Assert.Equal("uk", contact["locale"]!.ToString());
        Assert.Equal("Kyiv", contact["location"]!["city"]!.ToString());
        var patch = emulator.Received[1];
        Assert.Equal(("PATCH", $"/v1/customers/{id}"), (patch.Method, patch.Path));
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"name":"Ann Lee","locale":"uk","city":"Kyiv"}"""), JObject.Parse(patch.Body)), patch.Body);
    }

    [Fact]
    public async Task UpdateContact_Fails_WhenNoContactMatches()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("bob@example.com", new JObject { ["name"] = "Bob" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("no HelpCrunch contact with email = bob@example.com", outcome.Error);
        Assert.DoesNotContain(emulator.Received, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task UpdateContact_FailsAndSendsNothing_WhenItemHasInvalidLocale()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["locale"] = "xx" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("locale 'xx' is not an ISO 639-1 language code", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(emulator.Received);
    }

    [Fact]
    public async Task UpdateContact_Fails_WhenSearchValueIsEmpty()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact(new JObject { ["name"] = "no email" });
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync(" ", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("nothing to search for", outcome.Error, StringComparison.Ordinal);
        Assert.Empty(emulator.Received);
    }

    [Fact]
    public async Task UpdateContact_LeavesEmptyValuesOut_AndClearsOnNull()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var seeded = emulator.AddContact(new JObject { ["email"] = "ann@example.com", ["name"] = "Ann", ["notes"] = "old" });
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("ann@example.com",
            JObject.Parse("""{"name":"","notes":null,"unsubscribed":"TRUE","customData":{"plan":""},"tags":[""]}"""), default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("""{"notes":null,"unsubscribed":true}""", emulator.Received[1].Body);
        var contact = emulator.Contact(seeded["id"]!.Value<long>())!;
        Assert.Equal("Ann", contact["name"]!.ToString());
        Assert.Equal(JTokenType.Null, contact["notes"]!.Type);
    }

    [Fact]
    public async Task UpdateContact_IsHeld_WhenConnectionKeepsDropping()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Drop());
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("could not be reached", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(3, emulator.Received.Count);
        Assert.Null(outcome.ToResult().Result); // held is not "failed": an If on update.Failed does not route it to create
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task UpdateContact_IsHeld_WhenServiceTimesOut()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        // Never answered (held until the client disconnects): only the client's timeout can end each attempt.
        emulator.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)));
        emulator.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)));
        using var client = TestConnection.Connect(emulator, s => { s["timeoutSeconds"] = 0.2; s["maxAttempts"] = 2; });

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal("searching contacts by email: HelpCrunch did not answer within 0.2 s (2 attempts)", outcome.Error);
    }

    [Fact]
    public async Task UpdateContact_IsHeld_WhenPatchKeepsFailingWith503()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("ann@example.com")["id"];
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Status(503), pathContains: $"/customers/{id}");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.StartsWith($"updating contact {id}: HelpCrunch 503", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateContact_SucceedsAfterRetry_When429WithRetryAfter()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        emulator.Faults.FailNext(Fault.RateLimited(1), pathContains: "/search");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(["POST", "POST", "PATCH"], emulator.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task UpdateContact_FailsWithoutLeakingKey_WhenKeyIsRejected()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        const string wrongKey = "not-the-right-key-93c1";
        using var client = TestConnection.Connect(emulator, apiKey: wrongKey);

        var outcome = await Step(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "x" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("searching contacts by email: HelpCrunch 401 invalid_token: Invalid token", outcome.Error);
        Assert.DoesNotContain(wrongKey, outcome.Error + outcome.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateContact_UpdatesFirstOnly_WhenMultipleMatchesIsFirst()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var first = emulator.AddContact("twin@example.com", "One")["id"]!.ToString();
        emulator.AddContact("twin@example.com", "Two");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client, MultipleMatches.First).UpdateAsync("twin@example.com", new JObject { ["notes"] = "seen" }, default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal((first, "2"), (outcome.Output["contactId"], outcome.Output["matches"]));
        Assert.Equal(["seen", null], emulator.Contacts.Select(c => c.Value<string>("notes")));
    }

    [Fact]
    public async Task UpdateContact_UpdatesEveryMatch_WhenMultipleMatchesIsAll()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var ids = Enumerable.Range(0, 3).Select(i => emulator.AddContact("twin@example.com", $"N{i}")["id"]!.ToString()).ToList();
        emulator.AddContact("other@example.com");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client, MultipleMatches.All).UpdateAsync("twin@example.com", new JObject { ["notes"] = "seen" }, default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(string.Join(",", ids), outcome.Output["contactIds"]);
        Assert.Equal(["seen", "seen", "seen", null], emulator.Contacts.Select(c => c.Value<string>("notes")));
    }

    [Fact]
    public async Task UpdateContact_FailsAndUpdatesNothing_WhenMultipleMatchesIsFail()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("twin@example.com");
        emulator.AddContact("twin@example.com");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client, MultipleMatches.Fail).UpdateAsync("twin@example.com", new JObject { ["notes"] = "seen" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.StartsWith("2 HelpCrunch contacts have email = twin@example.com", outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Received, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task UpdateContact_FindsById_WhenSearchByIsId()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("ann@example.com")["id"]!.ToString();
        using var client = TestConnection.Connect(emulator);
        var step = Step(client, searchBy: "id");

        var found = await step.UpdateAsync(id, new JObject { ["name"] = "Ann" }, default);
        var missing = await step.UpdateAsync("1", new JObject { ["name"] = "Ann" }, default);

        Assert.Equal(OutcomeStatus.Succeeded, found.Status);
        Assert.Equal(("GET", $"/v1/customers/{id}"), (emulator.Received[0].Method, emulator.Received[0].Path));
        Assert.Equal("no HelpCrunch contact with id = 1", missing.Error);
    }

    [Fact]
    public async Task Execute_ReturnsOneOutcomePerItemInOrder()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        using var client = TestConnection.Connect(emulator);
        var step = new UpdateContactStep(client, "email", MultipleMatches.First,
            item => item.Row["Email"], item => new JObject { ["locale"] = item.Row["Locale"] });

        var outcomes = await step.ExecuteAsync(
            [TestConnection.Item(("Email", "ann@example.com"), ("Locale", "xx")),
             TestConnection.Item(("Email", "ann@example.com"), ("Locale", "")),
             TestConnection.Item(("Email", "nobody@example.com"), ("Locale", "en"))],
            default);

        Assert.Equal([OutcomeStatus.Failed, OutcomeStatus.Succeeded, OutcomeStatus.Failed], outcomes.Select(o => o.Status));
        Assert.Equal("{}", emulator.Received.Single(r => r.Method == "PATCH").Body);
    }

    [Fact]
    public async Task Preview_ShowsSearchAndPatch_WithoutChangingAnything()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("ann@example.com", "Ann")["id"]!.ToString();
        using var client = TestConnection.Connect(emulator);

        var found = await Step(client).PreviewAsync("ann@example.com", new JObject { ["name"] = "Changed" }, default);
        var missing = await Step(client).PreviewAsync("bob@example.com", new JObject { ["name"] = "Changed" }, default);

        Assert.Equal(["POST", "PATCH"], found.Requests.Select(r => r.Method));
        Assert.Equal($"{emulator.BaseUrl}/customers/{id}", found.Requests[1].Url);
        Assert.Contains("\"Changed\"", found.Requests[1].Body, StringComparison.Ordinal);
        Assert.Equal(OutcomeStatus.Succeeded, found.Predicted.Status);
        Assert.StartsWith("predicted:", found.Predicted.Output["prediction"], StringComparison.Ordinal);
        Assert.Equal("predicted: no HelpCrunch contact with email = bob@example.com", missing.Predicted.Error);
        Assert.All(emulator.Received, r => Assert.Equal("/v1/customers/search", r.Path));
        Assert.Equal("Ann", emulator.Contacts.Single()["name"]!.ToString());
    }
}
