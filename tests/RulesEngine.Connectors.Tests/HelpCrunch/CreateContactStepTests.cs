using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

public sealed class CreateContactStepTests
{
    private static CreateContactStep Step(HelpCrunchClient client) => new(client, item => new JObject { ["email"] = item.Row["Email"] });

    [Fact]
    public async Task CreateContact_ReturnsContactId_WhenCreated()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).CreateAsync(JObject.Parse("""{"name":"Ann","email":"ann@example.com","userId":"u1","firstSeen":"2020-10-28T11:49:06Z"}"""), default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var contact = Assert.Single(emulator.Contacts);
        Assert.Equal(contact["id"]!.ToString(), outcome.Output["contactId"]);
        Assert.Equal("1603885746", contact["firstSeen"]!.ToString());
        Assert.Equal(("POST", "/v1/customers"), (emulator.Received[0].Method, emulator.Received[0].Path));
    }

    [Fact]
    public async Task CreateContact_Fails_WhenUserIdAlreadyExists()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("old@example.com", userId: "u1");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).CreateAsync(JObject.Parse("""{"email":"new@example.com","userId":"u1"}"""), default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.StartsWith("creating contact: a HelpCrunch contact with userId 'u1' already exists (HelpCrunch 400 invalid_userId_value:", outcome.Error, StringComparison.Ordinal);
        Assert.Single(emulator.Received); // a rejection is an answer: not retried
    }

    [Fact]
    public async Task CreateContact_SendsCustomDataAndTagsInWireShape()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).CreateAsync(JObject.Parse("""
            {"email":"ann@example.com",
             "customData":{"plan":"pro","payments":15,"empty":""},
             "tags":["vip",{"name":"lead","color":"#ff0000"},"a, b",""]}
            """), default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var sent = JObject.Parse(emulator.Received[0].Body);
        Assert.True(JToken.DeepEquals(JArray.Parse("""[{"property":"plan","value":"pro"},{"property":"payments","value":15}]"""), sent["customData"]), sent.ToString());
        Assert.True(JToken.DeepEquals(JArray.Parse("""[{"name":"vip"},{"name":"lead","color":"#ff0000"},{"name":"a"},{"name":"b"}]"""), sent["tags"]), sent.ToString());
        var stored = Assert.Single(emulator.Contacts);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"plan":"pro","payments":15}"""), stored["customData"]));
        Assert.Equal(["vip", "lead", "a", "b"], stored["tags"]!.Select(t => t.Value<string>("name")));
    }

    [Fact]
    public async Task CreateContact_IsHeld_WhenServiceKeepsFailing()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 20; i++) emulator.Faults.FailNext(Fault.Status(500));
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).CreateAsync(new JObject { ["email"] = "ann@example.com" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect); // a 500 may come after the contact was made
        Assert.Empty(emulator.Contacts);
    }

    [Fact]
    public async Task CreateContact_CountsEveryCreateRequest_WhenItKeepsGetting500()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        // Each create answers 500; each look-up before the next create (an instant "delay" fault) finds nothing.
        for (var i = 0; i < 4; i++)
        {
            if (i > 0) emulator.Faults.FailNext(Fault.Slow(TimeSpan.Zero));
            emulator.Faults.FailNext(Fault.Status(500));
        }
        using var client = TestConnection.Connect(emulator, s => s["maxAttempts"] = 4);

        var outcome = await Step(client).CreateAsync(new JObject { ["email"] = "ann@example.com" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal(4, emulator.Received.Count(r => r.Method == "POST" && r.Path == "/v1/customers"));
        Assert.StartsWith("creating contact: HelpCrunch 500", outcome.Error, StringComparison.Ordinal);
        Assert.EndsWith("(still failing after 4 attempts)", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateContact_LooksForTheContact_BeforeCreatingAgainAfterA500()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.Faults.FailNext(Fault.Status(500));
        using var client = TestConnection.Connect(emulator);

        var outcome = await Step(client).CreateAsync(new JObject { ["email"] = "ann@example.com" }, default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Single(emulator.Contacts);
        Assert.Equal(["/v1/customers", "/v1/customers/search", "/v1/customers"], emulator.Received.Select(r => r.Path));
    }

    [Fact]
    public async Task Preview_ShowsPostBody_AndSendsNothing()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);

        var previews = await Step(client).PreviewAsync([TestConnection.Item(("Email", "ann@example.com"))], default);

        var request = Assert.Single(Assert.Single(previews).Requests);
        Assert.Equal(("POST", $"{emulator.BaseUrl}/customers"), (request.Method, request.Url));
        Assert.Contains("ann@example.com", request.Body, StringComparison.Ordinal);
        Assert.Empty(emulator.Received);
    }
}
