using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HttpApi.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HttpApi.Tests;

/// <summary>http.request against a loopback JSON API: what goes out, what comes back, and what a failure becomes.</summary>
public sealed class RequestStepTests : IAsyncLifetime
{
    private HttpTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await HttpTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private const string CreateStep = """
        { "id": "call", "type": "http.request", "connection": "api", "method": "POST", "url": "/contacts?source={Name}",
          "headers": { "X-Row": "{Id}" },
          "body": { "email": "{Email}", "name": "{Name}", "tags": ["lead"], "score": 3 },
          "outputs": { "contactId": "data.id", "firstTag": "data.tags[0]", "data": "data" } }
        """;

    [Fact]
    public async Task Execute_SendsMethodUrlHeadersBodyAndCredentials()
    {
        var step = _bed.Step(CreateStep);

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item(("Id", "7"), ("Email", "ann@example.com"), ("Name", "Ann & Co/2"))], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var request = Assert.Single(_bed.Api.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/contacts", request.Path);
        // A placeholder's value is escaped, so a cell cannot add a parameter or a path segment.
        Assert.Equal("?source=Ann%20%26%20Co%2F2", request.Query);
        Assert.Equal("Bearer " + TestApi.Token, request.Headers["Authorization"]);
        Assert.Equal("test-api-key-abcdefgh", request.Headers["X-Api-Key"]);
        Assert.Equal("7", request.Headers["X-Row"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        var body = JObject.Parse(request.Body);
        Assert.Equal("ann@example.com", (string?)body["email"]);
        Assert.Equal(new JArray("lead"), body["tags"]);
        Assert.Equal(3, (int?)body["score"]);
    }

    [Fact]
    public async Task Execute_GivesTheStatusAndTheDeclaredResponseFields_AsOutputs()
    {
        var step = _bed.Step(CreateStep);

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item(("Id", "7"), ("Email", "ann@example.com"), ("Name", "Ann"))], default));

        Assert.Equal("201", outcome.Output["status"]);
        Assert.Equal("42", outcome.Output["contactId"]);
        Assert.Equal("new", outcome.Output["firstTag"]);
        Assert.Equal("{\"id\":42,\"email\":\"ann@example.com\",\"tags\":[\"new\"]}", outcome.Output["data"]);
    }

    [Fact]
    public async Task Run_PassesAnOutput_ToALaterStepsUrl_AndRecordsTheRow()
    {
        _bed.Rows.Add(new() { ["Id"] = "1", ["Email"] = "ann@example.com", ["Name"] = "Ann" });
        var set = _bed.Load("""
            [ { "id": "create", "type": "http.request", "connection": "api", "method": "POST", "url": "/contacts",
                "body": { "email": "{Email}" }, "outputs": { "contactId": "data.id" } },
              { "id": "ifCreated", "type": "if", "condition": "create.Succeeded && create[\"contactId\"] != \"\"",
                "then": [ { "id": "tag", "type": "http.request", "connection": "api", "method": "PUT",
                            "url": "/contacts/{create[\"contactId\"]}/tags", "body": { "tags": ["vip"] } } ] } ]
            """);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        using var store = new SqliteStateStore(_bed.StatePath());

        var run = await new FlowRunner(store).RunAsync(set.Flows.Single(), CancellationToken.None);

        var row = Assert.Single(run.Items);
        Assert.True(row.Status == RowStatus.Done, $"{row.Status}: {row.Error}");
        Assert.Equal(["/v1/contacts", "/v1/contacts/42/tags"], _bed.Api.Received.Select(r => r.Path));
    }

    [Fact]
    public async Task Execute_FailsWithTheStatusAndTheStartOfTheBody_WhenTheSuccessRuleRejectsIt()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/missing" }""");

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("answered 404 Not Found", outcome.Error);
        Assert.Contains("no such thing", outcome.Error);
        Assert.Equal("404", outcome.Output["status"]);
        Assert.Single(_bed.Api.Received);
    }

    [Fact]
    public async Task Execute_Succeeds_WhenTheSuccessRuleAcceptsTheStatus()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/missing", "successStatus": "2xx, 404" }""");

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("404", outcome.Output["status"]);
    }

    [Fact]
    public async Task Execute_RetriesA429_ThenSucceeds()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "POST", "url": "/contacts", "body": { "email": "x" } }""");
        _bed.Api.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 0));

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, _bed.Api.Received.Count);
    }

    [Fact]
    public async Task Execute_HoldsAfterTheRetries_WhenTheServerKeepsFailing()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/contacts/1" }""");
        for (var i = 0; i < 3; i++) _bed.Api.Faults.FailNext(Fault.Status(503));

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("503", outcome.Error);
        Assert.Contains("gave up after 3 attempts", outcome.Error);
        Assert.Equal(3, _bed.Api.Received.Count);
    }

    [Fact]
    public async Task Execute_DoesNotRepeatAPost_WhoseAnswerWasLost()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "POST", "url": "/contacts", "body": { "email": "x" } }""");
        _bed.Api.Faults.FailNext(Fault.Drop());

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect);
        Assert.Single(_bed.Api.Received);
    }

    [Fact]
    public async Task Execute_RetriesAPut_WhoseAnswerWasLost()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "PUT", "url": "/contacts/5/tags", "body": { "tags": [] } }""");
        _bed.Api.Faults.FailNext(Fault.Drop());

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, _bed.Api.Received.Count);
    }

    [Fact]
    public async Task Execute_FailsWithoutARequest_WhenARowPutsALineBreakInAHeader()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/contacts/1", "headers": { "X-Name": "{Name}" } }""");

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item(("Name", "Ann\r\nX-Admin: yes"))], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("line break", outcome.Error);
        Assert.Empty(_bed.Api.Received);
    }

    [Fact]
    public async Task Execute_Fails_WhenASuccessfulAnswerIsNotJsonButOutputsAreWanted()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/text", "outputs": { "name": "name" } }""");

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        // Failed, not held: the request succeeded, and holding it would send it again.
        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("not JSON", outcome.Error);
    }

    [Fact]
    public async Task Execute_MasksTheCredential_WhenTheServerQuotesItBack()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/echo-auth" }""");

        var outcome = Assert.Single(await step.ExecuteAsync([HttpTestBed.Item()], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.DoesNotContain(TestApi.Token, outcome.Error);
        Assert.Contains("bad token ***", outcome.Error);
    }

    [Fact]
    public async Task Preview_ShowsTheRequestWithCredentialsMasked_AndSendsNothing()
    {
        var step = _bed.Step(CreateStep);

        var preview = Assert.Single(await step.PreviewAsync([HttpTestBed.Item(("Id", "7"), ("Email", "ann@example.com"), ("Name", "Ann"))], default));

        var request = Assert.Single(preview.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(_bed.Api.BaseUrl + "/v1/contacts?source=Ann", request.Url);
        Assert.Contains("Authorization: ***", request.Body);
        Assert.Contains("X-Api-Key: ***", request.Body);
        Assert.Contains("X-Row: 7", request.Body);
        Assert.Contains("\"email\": \"ann@example.com\"", request.Body);
        Assert.DoesNotContain(TestApi.Token, request.Body);
        Assert.Empty(_bed.Api.Received);
    }

    [Theory]
    [InlineData("atMostOnce", OutcomeStatus.Failed, 0)]
    [InlineData("atLeastOnce", OutcomeStatus.Succeeded, 1)]
    public async Task Resume_AnInterruptedPost_FollowsTheDeliveryPolicy(string delivery, OutcomeStatus expected, int requests)
    {
        var step = _bed.Step($$"""{ "id": "call", "type": "http.request", "connection": "api", "method": "POST", "url": "/contacts", "body": { "email": "x" }, "delivery": "{{delivery}}" }""");

        var outcome = Assert.Single(await step.ResumeAsync([HttpTestBed.Item()], [new InterruptedCall("run-0", DateTimeOffset.UnixEpoch, "the process died")], default));

        Assert.NotNull(outcome);
        Assert.Equal(expected, outcome.Status);
        Assert.Equal(requests, _bed.Api.Received.Count);
        Assert.Equal("1", outcome.Output[expected == OutcomeStatus.Failed ? DeliveryPolicy.OutputDeliveryUnknown : DeliveryPolicy.OutputResent]);
    }

    [Fact]
    public async Task Resume_AnInterruptedGet_IsCalledAgainAsUsual()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/contacts/1", "delivery": "atMostOnce" }""");

        var outcome = Assert.Single(await step.ResumeAsync([HttpTestBed.Item()], [new InterruptedCall("run-0", DateTimeOffset.UnixEpoch, "the process died")], default));

        Assert.Null(outcome);
        Assert.Empty(_bed.Api.Received);
    }

    [Fact]
    public async Task Execute_StopsCallingItems_OnceTheRunIsStopping()
    {
        var step = _bed.Step("""{ "id": "call", "type": "http.request", "connection": "api", "method": "GET", "url": "/contacts/1" }""");
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        IReadOnlyList<StepOutcome> outcomes;
        using (StepCall.Enter(StepCall.ForStopping(stopped.Token)))
            outcomes = await step.ExecuteAsync([HttpTestBed.Item(), HttpTestBed.Item()], default);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Held, o.Status));
        Assert.Empty(_bed.Api.Received);
    }
}
