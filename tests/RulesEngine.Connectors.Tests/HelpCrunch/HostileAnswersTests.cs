using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// The hostile-answers corpus for HelpCrunch (<see cref="MalformedAnswers"/>): a success status whose answer lacks what
/// a step acts on is the service misbehaving. The row is held with an error quoting what came back; it is never "no
/// contact" (which routes the canonical flow to create a duplicate) nor a contact with a made-up id ("Infinity").
/// </summary>
public sealed class HostileAnswersTests
{
    public static TheoryData<string> SearchAnswers => [.. MalformedAnswers.Search.Keys];

    public static TheoryData<string> CustomerAnswers => [.. MalformedAnswers.Customer.Keys];

    [Theory]
    [MemberData(nameof(SearchAnswers))]
    public async Task UpdateContact_HoldsQuotingTheAnswer_WhenTheSearchAnswerIsMalformed(string name)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("ann@example.com", "Ann");
        using var client = TestConnection.Connect(emulator);
        var fault = MalformedAnswers.Search[name];
        emulator.Faults.FailNext(fault, "/customers/search");

        var outcome = await Update(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "Ann Lee" }, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("not the documented answer", outcome.Error, StringComparison.Ordinal);
        Assert.Matches(@"HelpCrunch answered \d+ with an? ", outcome.Error); // one sentence: "answered 200 with a ..."
        Assert.Contains(Quoted(fault.Body), outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Received, r => r.Method is "PATCH" or "POST" && !r.Path.EndsWith("/search", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(CustomerAnswers))]
    public async Task CreateContact_HoldsQuotingTheAnswer_AndLooksUpBeforeTryingAgain_WhenTheCreateAnswerIsMalformed(string name)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator, s => s["maxAttempts"] = 1);
        var fault = MalformedAnswers.Customer[name];
        emulator.Faults.FailNext(fault, "/customers");

        var outcome = await new CreateContactStep(client, _ => new JObject()).CreateAsync(JObject.Parse("""{"email":"new@example.com","userId":"u1"}"""), default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains(Quoted(fault.Body), outcome.Error, StringComparison.Ordinal);
        // A success status may come after the contact was made: the create is marked as possibly done (looked up next time).
        Assert.False(outcome.NoEffect);
        Assert.True(outcome.Cause is HelpCrunchException { MayHaveActed: true, Malformed: true });
    }

    [Theory]
    [InlineData("""{"data": [{"id": 542335}], "total": 1}""", "542335")]
    [InlineData("""{"data": [{"id": "542335"}], "total": "1"}""", "542335")]
    [InlineData("""{"data": [{"id": 542335}]}""", "542335")]
    [InlineData("""[{"id": 542335}]""", "542335")]
    public async Task UpdateContact_ReadsTheIdTolerantly_WhereTheDocsAreUnsure(string answer, string id)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);
        emulator.Faults.FailNext(Fault.Answer(answer), "/customers/search");

        var outcome = await Update(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "Ann Lee" }, default);

        // The PATCH goes to that id (the emulator does not know it: 404, a failure HelpCrunch answered).
        Assert.Contains(emulator.Received, r => r.Method == "PATCH" && r.Path.EndsWith("/customers/" + id, StringComparison.Ordinal));
        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
    }

    [Fact]
    public async Task UpdateContact_StillFailsAsNotFound_WhenTheSearchAnswersNoContact()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var client = TestConnection.Connect(emulator);
        emulator.Faults.FailNext(Fault.Answer("""{"data": [], "total": 0}"""), "/customers/search");

        var outcome = await Update(client).UpdateAsync("ann@example.com", new JObject { ["name"] = "Ann Lee" }, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("no HelpCrunch contact with email = ann@example.com", outcome.Error);
    }

    private static UpdateContactStep Update(HelpCrunchClient client) =>
        new(client, "email", MultipleMatches.First, item => item.Row["Email"], item => new JObject { ["name"] = item.Row["Name"] });

    /// <summary>The part of an answer the error must quote (its start, on one line).</summary>
    private static string Quoted(string body)
    {
        var text = string.Concat(body.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return text.Length == 0 ? "(empty)" : text[..Math.Min(text.Length, 40)];
    }
}
