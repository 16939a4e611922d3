using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

public sealed class TagsAndTypedDataTests
{
    private static TagContactStep Tagger(HelpCrunchClient client, bool add, MultipleMatches policy = MultipleMatches.First, string? color = null) =>
        new(client, "email", policy, add, item => item.Row["Email"], item => item.Row["Tags"], color);

    [Fact]
    public async Task Tag_AddsTags_KeepingOthers_WithPut()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact(JObject.Parse("""{"email":"ann@example.com","tags":["trial"]}"""))["id"]!.Value<long>();
        using var client = TestConnection.Connect(emulator);

        var outcome = await Tagger(client, add: true, color: "#ff0000").ApplyAsync("ann@example.com", "customer, plan-pro, customer", default);

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal("trial,customer,plan-pro", outcome.Output["tags"]);
        var put = emulator.Received.Single(r => r.Method == "PUT");
        Assert.Equal($"/v1/customers/{id}/tags", put.Path);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"tags":[{"name":"customer","color":"#ff0000"},{"name":"plan-pro","color":"#ff0000"}]}"""), JObject.Parse(put.Body)), put.Body);
    }

    [Fact]
    public async Task Untag_RemovesTags_WithDeleteCarryingAJsonBody()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact(JObject.Parse("""{"email":"ann@example.com","tags":["trial","vip"]}"""))["id"]!.Value<long>();
        using var client = TestConnection.Connect(emulator);

        var outcome = await Tagger(client, add: false).ApplyAsync("ann@example.com", "trial", default);

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        var delete = emulator.Received.Single(r => r.Method == "DELETE");
        Assert.Equal($"/v1/customers/{id}/tags", delete.Path);
        Assert.Equal("""{"tags":[{"name":"trial"}]}""", delete.Body);
        Assert.Equal(["vip"], emulator.Contact(id)!["tags"]!.Select(t => t.Value<string>("name")));
    }

    [Theory]
    [InlineData("bob@example.com", "vip", "no HelpCrunch contact with email = bob@example.com")]
    [InlineData("ann@example.com", " , ", "no tags to add")]
    [InlineData("", "vip", "nothing to search for")]
    public async Task Tag_Fails_WhenThereIsNothingToTag(string email, string tags, string expected)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        using var client = TestConnection.Connect(emulator);

        var outcome = await Tagger(client, add: true).ApplyAsync(email, tags, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Received, r => r.Path.EndsWith("/tags", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tag_TagsEveryMatch_WhenPolicyIsAll_AndFailsWhenPolicyIsFail()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com", name: "Ann 1");
        emulator.AddContact("ann@example.com", name: "Ann 2");
        using var client = TestConnection.Connect(emulator);

        var all = await Tagger(client, add: true, MultipleMatches.All).ApplyAsync("ann@example.com", "vip", default);
        var fail = await Tagger(client, add: true, MultipleMatches.Fail).ApplyAsync("ann@example.com", "lead", default);

        Assert.Equal(OutcomeStatus.Succeeded, all.Status);
        Assert.Equal(2, all.Output["contactIds"].Split(',').Length);
        Assert.Equal(OutcomeStatus.Failed, fail.Status);
        Assert.Contains("2 HelpCrunch contacts have email = ann@example.com; none tagged", fail.Error, StringComparison.Ordinal);
        Assert.All(emulator.Contacts, c => Assert.Equal(["vip"], c["tags"]!.Select(t => t.Value<string>("name"))));
    }

    [Fact]
    public async Task Tag_IsHeld_WhenServiceKeepsFailing()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com");
        using var client = TestConnection.Connect(emulator);
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Status(503), "/tags");

        var outcome = await Tagger(client, add: true).ApplyAsync("ann@example.com", "vip", default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
    }

    [Fact]
    public void CustomData_SendsEveryValueType()
    {
        var mapping = JObject.Parse("""
            {"customData": {
               "plan": "pro",
               "seats": {"type": "number", "value": "12"},
               "ratio": {"type": "number", "value": "0.75"},
               "paid": {"type": "boolean", "value": "yes"},
               "renews_on": {"type": "date", "value": "2026-12-01T00:00:00Z"},
               "note": {"type": "text", "value": "007"},
               "literal": 15,
               "skipped": {"type": "number", "value": " "}
            }}
            """);

        Assert.True(ContactFieldMapping.TryBuild(mapping, out var body, out var error), error);

        Assert.Equal("""[{"property":"plan","value":"pro"},{"property":"seats","value":12},{"property":"ratio","value":0.75},{"property":"paid","value":true},{"property":"renews_on","value":"1796083200"},{"property":"note","value":"007"},{"property":"literal","value":15}]""",
            body["customData"]!.ToString(Newtonsoft.Json.Formatting.None));
    }

    [Theory]
    [InlineData("""{"type": "number", "value": "twelve"}""", "customData 'x' is 'twelve'; it must be a number")]
    [InlineData("""{"type": "boolean", "value": "maybe"}""", "'customData 'x'' is 'maybe'; it must be true or false")]
    [InlineData("""{"type": "date", "value": "next week"}""", "it must be a UNIX timestamp or a date")]
    [InlineData("""{"type": "money", "value": "1"}""", "customData 'x' must be {\"type\": text|number|boolean|date")]
    public void CustomData_RejectsValuesThatDoNotFitTheirType(string entry, string expected)
    {
        var mapping = JObject.Parse("""{"customData": {"x": """ + entry + "}}");

        Assert.False(ContactFieldMapping.TryBuild(mapping, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UpdatesTheExistingContact_WhenUserIdIsTaken_AndPolicyIsUpdateExisting()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact("old@example.com", userId: "u1")["id"]!.ToString();
        using var client = TestConnection.Connect(emulator);
        var step = new CreateContactStep(client, _ => new JObject()) { UpdateExistingOnDuplicateUserId = true };

        var outcome = await step.CreateAsync(JObject.Parse("""{"email":"new@example.com","userId":"u1","customData":{"seats":{"type":"number","value":"3"}}}"""), default);

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal((id, "1"), (outcome.Output["contactId"], outcome.Output["updated"]));
        var contact = Assert.Single(emulator.Contacts);
        Assert.Equal("new@example.com", contact["email"]!.ToString());
        Assert.Equal(3, contact["customData"]!["seats"]!.Value<int>());
        Assert.Equal(["POST", "POST", "PATCH"], emulator.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task Create_FailsWithAHint_WhenUserIdIsTaken_ByDefault()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("old@example.com", userId: "u1");
        using var client = TestConnection.Connect(emulator);

        var outcome = await new CreateContactStep(client, _ => new JObject()).CreateAsync(JObject.Parse("""{"email":"new@example.com","userId":"u1"}"""), default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("set \"onDuplicateUserId\": \"updateExisting\"", outcome.Error, StringComparison.Ordinal);
    }
}
