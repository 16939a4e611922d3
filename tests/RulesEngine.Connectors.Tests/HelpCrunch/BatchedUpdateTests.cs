using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;
using Xunit.Abstractions;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// <c>helpCrunch.updateContact</c> serving a batch (one OR search, <c>PUT /customers/batch</c>): every row's outcome
/// and the contacts HelpCrunch ends with are the same as when each row is served alone (<see cref="UpdateContactStep.UpdateAsync"/>).
/// </summary>
public sealed class BatchedUpdateTests(ITestOutputHelper output)
{
    private static UpdateContactStep Step(HelpCrunchClient client, MultipleMatches multiple = MultipleMatches.First) =>
        new(client, "email", multiple, item => item.Row["Email"], item => new JObject
        {
            ["name"] = item.Row["Name"],
            ["locale"] = item.Row["Locale"],
            ["userId"] = item.Row["UserId"],
        });

    private static ItemScope Row(string email, string name, string locale = "", string userId = "") =>
        TestConnection.Item(("Email", email), ("Name", name), ("Locale", locale), ("UserId", userId));

    private static void SeedMixed(HelpCrunchEmulator emulator)
    {
        emulator.AddContact("anna@example.com", "Anna");
        emulator.AddContact("dup@example.com", "Dup One");
        emulator.AddContact("dup@example.com", "Dup Two");
        emulator.AddContact("o\"brien\"@example.com", "O'Brien");
        emulator.AddContact("zoë.ünïcode@exämple.com", "Zoë");
        emulator.AddContact("Case@Example.com", "Case");
        emulator.AddContact("eve@example.com", "Eve");
    }

    private static List<ItemScope> MixedRows() =>
    [
        Row("anna@example.com", "Anna Updated", "en"),
        Row("ben@example.com", "Ben New"),
        Row("chloe@example.com", "Chloe", "xx"),
        Row("dup@example.com", "Dup Updated"),
        Row("o\"brien\"@example.com", "Quoted"),
        Row("  zoë.ünïcode@exämple.com ", "Zoë Updated", "uk"),
        Row("", "No Email"),
        Row("case@example.com", "Case Updated"),
        Row("anna@example.com", "Anna Again"),
        Row("eve@example.com", "Eve Updated", "de"),
    ];

    public static TheoryData<MultipleMatches, bool> Policies => new()
    {
        { MultipleMatches.First, false }, { MultipleMatches.Fail, false }, { MultipleMatches.All, false },
        { MultipleMatches.First, true }, { MultipleMatches.All, true },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public async Task MixedBatch_GivesEveryRowWhatItGetsAlone_AndTheSameContacts(MultipleMatches policy, bool caseSensitive)
    {
        var options = new HelpCrunchEmulatorOptions { CaseSensitiveSearch = caseSensitive };
        await using var alone = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, options);
        await using var batched = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, options);
        SeedMixed(alone);
        SeedMixed(batched);
        using var aloneClient = TestConnection.Connect(alone);
        using var batchedClient = TestConnection.Connect(batched);
        var rows = MixedRows();

        var expected = new List<StepOutcome>();
        foreach (var row in rows) expected.Add((await Step(aloneClient, policy).ExecuteAsync([row], default))[0]);
        var actual = await Step(batchedClient, policy).ExecuteAsync(rows, default);

        Assert.Equal(Describe(expected), Describe(actual));
        Assert.Equal(Contacts(alone), Contacts(batched));
        // It was batched: one PUT /customers/batch, and fewer requests than rows served alone.
        Assert.Contains(batched.Received, r => r.Method == "PUT" && r.Path == "/v1/customers/batch");
        Assert.True(batched.Received.Count < alone.Received.Count, $"{batched.Received.Count} requests batched, {alone.Received.Count} alone");
    }

    [Fact]
    public async Task TenExistingContacts_OneSearchAndOneBatchUpdate()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 10; i++) emulator.AddContact($"c{i}@example.com", $"Old {i}");
        using var client = TestConnection.Connect(emulator);

        var outcomes = await Step(client).ExecuteAsync([.. Enumerable.Range(0, 10).Select(i => Row($"c{i}@example.com", $"New {i}"))], default);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
        Assert.Equal([("POST", "/v1/customers/search"), ("PUT", "/v1/customers/batch")], emulator.Received.Select(r => (r.Method, r.Path)));
        var search = JObject.Parse(emulator.Received[0].Body);
        Assert.Equal("OR", search["comparison"]!.ToString());
        Assert.Equal(10, ((JArray)search["filter"]!).Count);
        var batch = JArray.Parse(emulator.Received[1].Body);
        Assert.Equal(10, batch.Count);
        Assert.All(batch, item => Assert.Equal(JTokenType.Integer, item["customer"]!.Type));
        for (var i = 0; i < 10; i++)
        {
            var contact = emulator.Contacts.Single(c => c["email"]!.ToString() == $"c{i}@example.com");
            Assert.Equal($"New {i}", contact["name"]!.ToString());
            Assert.Equal(contact["id"]!.ToString(), outcomes[i].Output["contactId"]);
        }
    }

    [Fact]
    public async Task BatchRefusedForOneItem_IsSplit_AndOnlyThatRowFailsWithItsOwnError()
    {
        await using var alone = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        foreach (var e in new[] { alone, emulator })
        {
            e.AddContact("owner@example.com", "Owner", userId: "taken");
            for (var i = 0; i < 10; i++) e.AddContact($"c{i}@example.com", $"Old {i}");
        }
        using var aloneClient = TestConnection.Connect(alone);
        using var client = TestConnection.Connect(emulator);
        // Row 6 gives its contact a userId another contact has: HelpCrunch refuses it (400 invalid_userId_value).
        var rows = Enumerable.Range(0, 10).Select(i => Row($"c{i}@example.com", $"New {i}", userId: i == 6 ? "taken" : "")).ToList();

        var expected = (await Step(aloneClient).ExecuteAsync([rows[6]], default))[0];
        var outcomes = await Step(client).ExecuteAsync(rows, default);

        Assert.Equal(OutcomeStatus.Failed, expected.Status);
        Assert.Contains("userId", expected.Error, StringComparison.Ordinal);
        for (var i = 0; i < 10; i++)
        {
            if (i == 6)
            {
                Assert.Equal((expected.Status, expected.Error), (outcomes[i].Status, outcomes[i].Error));
                Assert.Equal(expected.Output, outcomes[i].Output);
            }
            else
            {
                Assert.Equal(OutcomeStatus.Succeeded, outcomes[i].Status);
                Assert.Equal($"New {i}", emulator.Contacts.Single(c => c["email"]!.ToString() == $"c{i}@example.com")["name"]!.ToString());
            }
        }
        Assert.Equal("Old 6", emulator.Contacts.Single(c => c["email"]!.ToString() == "c6@example.com")["name"]!.ToString());
        // 10 refused -> 5 ok + 5 refused -> 2 refused + 3 ok -> two single PATCHes, row 6's refused as when unbatched.
        var id6 = emulator.Contacts.Single(c => c["email"]!.ToString() == "c6@example.com")["id"]!.ToString();
        Assert.Equal([10, 5, 5, 2, 3], emulator.Received.Where(r => r.Method == "PUT").Select(r => JArray.Parse(r.Body).Count));
        Assert.Equal(2, emulator.Received.Count(r => r.Method == "PATCH"));
        Assert.Contains(emulator.Received, r => r.Method == "PATCH" && r.Path == "/v1/customers/" + id6);
    }

    [Fact]
    public async Task MalformedSearchAnswer_HoldsEveryRowOfThatSearch_NeverNotFound()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 5; i++) emulator.AddContact($"c{i}@example.com", $"Old {i}");
        using var client = TestConnection.Connect(emulator);
        emulator.Faults.FailNext(Fault.Answer("""{"data":[],"total":3}"""), "/customers/search");
        var rows = Enumerable.Range(0, 5).Select(i => Row($"c{i}@example.com", $"New {i}")).Append(Row("bad@example.com", "Bad", "xx")).ToList();

        var outcomes = await Step(client).ExecuteAsync(rows, default);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(OutcomeStatus.Held, outcomes[i].Status);
            Assert.StartsWith("searching contacts by email: HelpCrunch answered 200 with a \"total\" of 3 that contradicts", outcomes[i].Error, StringComparison.Ordinal);
        }
        Assert.Equal(OutcomeStatus.Failed, outcomes[5].Status);
        Assert.Single(emulator.Received);
        Assert.All(emulator.Contacts, c => Assert.StartsWith("Old", c["name"]!.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task SearchIsPaged_UntilTotal_AndEveryRowGetsItsOwnMatches()
    {
        await using var alone = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        foreach (var e in new[] { alone, emulator })
        {
            for (var i = 0; i < 20; i++) e.AddContact($"c{i}@example.com", $"Old {i}");
            for (var i = 0; i < 90; i++) e.AddContact("many@example.com", $"Many {i}");
            for (var i = 20; i < 40; i++) e.AddContact($"c{i}@example.com", $"Old {i}");
        }
        using var aloneClient = TestConnection.Connect(alone);
        using var client = TestConnection.Connect(emulator);
        var rows = Enumerable.Range(0, 40).Select(i => Row($"c{i}@example.com", $"New {i}")).Append(Row("many@example.com", "Many New")).ToList();

        var expected = new List<StepOutcome>();
        foreach (var row in rows) expected.Add((await Step(aloneClient).ExecuteAsync([row], default))[0]);
        var outcomes = await Step(client).ExecuteAsync(rows, default);

        Assert.Equal(Describe(expected), Describe(outcomes));
        Assert.Equal("90", outcomes[40].Output["matches"]);
        Assert.Equal(Contacts(alone), Contacts(emulator));
        var searches = emulator.Received.Where(r => r.Path == "/v1/customers/search").Select(r => JObject.Parse(r.Body)).ToList();
        Assert.Equal([0, 100], searches.Select(s => s["offset"]!.Value<int>()));
        Assert.All(searches, s => Assert.Equal(41, ((JArray)s["filter"]!).Count));
        // 41 single-contact updates: 4 batches of 10, and the last one alone as a PATCH.
        Assert.Equal(4, emulator.Received.Count(r => r.Method == "PUT" && r.Path == "/v1/customers/batch"));
        Assert.Equal(1, emulator.Received.Count(r => r.Method == "PATCH"));
    }

    [Fact]
    public async Task SearchRefusedForTheGroup_IsSplitInHalves_DownToTheValueItConcerns()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 4; i++) emulator.AddContact($"c{i}@example.com", "Old");
        using var client = TestConnection.Connect(emulator);
        // The group of 4 is refused, then its first half, then the first value alone: only that row fails, with the
        // unbatched text; the others are served by the halves' searches.
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Status(400, "value not accepted"), "/customers/search");

        var outcomes = await Step(client).ExecuteAsync([.. Enumerable.Range(0, 4).Select(i => Row($"c{i}@example.com", "New"))], default);

        Assert.Equal(OutcomeStatus.Failed, outcomes[0].Status);
        Assert.StartsWith("searching contacts by email: ", outcomes[0].Error, StringComparison.Ordinal);
        Assert.Contains("value not accepted", outcomes[0].Error, StringComparison.Ordinal);
        Assert.All(outcomes.Skip(1), o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
        var searches = emulator.Received.Where(r => r.Path == "/v1/customers/search").Select(r => ((JArray)JObject.Parse(r.Body)["filter"]!).Count);
        Assert.Equal([4, 2, 1, 1, 2], searches);
    }

    [Theory]
    [InlineData(500, """{"errors":[{"code":"internal_error","message":"Internal server error"}]}""", "application/json")]
    [InlineData(200, "<html>proxy</html>", "text/html")]
    public async Task BatchUpdateWithoutAnAnswer_HoldsEachRowWithItsOwnContact_NoSplit(int status, string body, string contentType)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var ids = Enumerable.Range(0, 4).Select(i => emulator.AddContact($"c{i}@example.com", $"Old {i}")["id"]!.ToString()).ToList();
        using var client = TestConnection.Connect(emulator);
        for (var i = 0; i < 3; i++) emulator.Faults.FailNext(Fault.Answer(body, status, contentType), "/customers/batch");

        var outcomes = await Step(client).ExecuteAsync([.. Enumerable.Range(0, 4).Select(i => Row($"c{i}@example.com", $"New {i}"))], default);

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(OutcomeStatus.Held, outcomes[i].Status);
            Assert.StartsWith($"updating contact {ids[i]}: ", outcomes[i].Error, StringComparison.Ordinal);
        }
        // Transient (500 after the retries) or malformed (a 200 that is not JSON, which may have acted): held, never split.
        Assert.DoesNotContain(emulator.Received, r => r.Method == "PATCH");
        Assert.All(emulator.Received.Where(r => r.Method == "PUT"), r => Assert.Equal(4, JArray.Parse(r.Body).Count));
    }

    [Fact]
    public async Task Stopping_CallsNothing_AndHoldsEveryRowAsNotSent()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact("a@example.com");
        using var client = TestConnection.Connect(emulator);
        using var stop = new CancellationTokenSource();
        await stop.CancelAsync();

        IReadOnlyList<StepOutcome> outcomes;
        using (StepCall.Enter(StepCall.ForStopping(stop.Token)))
            outcomes = await Step(client).ExecuteAsync([Row("a@example.com", "A"), Row("b@example.com", "B")], default);

        Assert.All(outcomes, o => Assert.Equal((OutcomeStatus.Held, true), (o.Status, o.NoEffect)));
        Assert.Empty(emulator.Received);
    }

    [Fact]
    public async Task StopDuringTheBatchUpdatesRetryWait_StartsNoNewAttempt_AndHoldsItsRows()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var ids = Enumerable.Range(0, 3).Select(i => emulator.AddContact($"c{i}@example.com")["id"]!.ToString()).ToList();
        for (var i = 0; i < 10; i++) emulator.Faults.FailNext(Fault.Status(500), "/customers/batch");
        using var client = new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = TestConnection.ApiKey, BaseUrl = emulator.BaseUrl, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { MaxAttempts = 10, BaseDelay = TimeSpan.FromSeconds(5), RequestsPerMinute = 0 },
        }, timeProvider: new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        using var stopping = new CancellationTokenSource();

        Task<IReadOnlyList<StepOutcome>> update;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            update = Step(client).ExecuteAsync([.. Enumerable.Range(0, 3).Select(i => Row($"c{i}@example.com", $"New {i}"))], default);
        // Fake time never moves: without the stop the retry wait after the first PUT would last forever.
        await WaitForAsync(() => emulator.Received.Any(r => r.Method == "PUT"));
        await stopping.CancelAsync();
        var outcomes = await update.WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(OutcomeStatus.Held, outcomes[i].Status);
            Assert.StartsWith($"updating contact {ids[i]}: ", outcomes[i].Error, StringComparison.Ordinal);
            Assert.Contains("not retried: the run is stopping", outcomes[i].Error, StringComparison.Ordinal);
        }
        Assert.Equal(["POST", "PUT"], emulator.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task StopBetweenTheSearchAndTheBatchUpdate_SendsNoUpdate_AndHoldsTheRowsAsNotSent()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 3; i++) emulator.AddContact($"c{i}@example.com", "Old");
        using var stopping = new CancellationTokenSource();
        using var client = new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = TestConnection.ApiKey, BaseUrl = emulator.BaseUrl, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10), RequestsPerMinute = 0 },
        }, new StopAfterSearch(stopping) { InnerHandler = new SocketsHttpHandler() });

        IReadOnlyList<StepOutcome> outcomes;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            outcomes = await Step(client).ExecuteAsync([.. Enumerable.Range(0, 3).Select(i => Row($"c{i}@example.com", "New"))], default);

        Assert.All(outcomes, o => Assert.Equal((OutcomeStatus.Held, true, StepCall.StoppingReason), (o.Status, o.NoEffect, o.Error)));
        Assert.Equal(["POST"], emulator.Received.Select(r => r.Method));
        Assert.All(emulator.Contacts, c => Assert.Equal("Old", c["name"]!.ToString()));
    }

    /// <summary>The attempt reports (what a resumable step's marker would record) are those of the unbatched path:
    /// a search refused with 429 is "not sent" during the wait, "sending" again before the next attempt; once an answer
    /// came (the search's 200) a refused update no longer says "not sent".</summary>
    [Theory]
    [InlineData("/customers/search", "/customers/search")]
    [InlineData("/customers/batch", "/customers/5")]
    public async Task RefusedWith429_ReportsTheSameAttemptsAsUnbatched(string batchedPath, string alonePath)
    {
        async Task<(string[] Marks, string[] Methods)> RunAsync(bool batched)
        {
            await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
            for (var i = 0; i < 3; i++) emulator.AddContact($"c{i}@example.com", "Old");
            emulator.Faults.FailNext(Fault.RateLimited(0), batched ? batchedPath : alonePath);
            using var client = TestConnection.Connect(emulator);
            var marks = new System.Collections.Concurrent.ConcurrentQueue<string>();
            var rows = Enumerable.Range(0, 3).Select(i => Row($"c{i}@example.com", "New")).ToList();
            using (StepCall.Enter(StepCall.ForMarker(() => marks.Enqueue("sending"), () => marks.Enqueue("not sent"), effectPossible: false)))
            {
                var outcomes = batched ? await Step(client).ExecuteAsync(rows, default) : await Step(client).ExecuteAsync([rows[0]], default);
                Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
            }
            return ([.. marks], [.. emulator.Received.Select(r => r.Method)]);
        }

        var alone = await RunAsync(batched: false);
        var batched = await RunAsync(batched: true);

        Assert.Equal(alone.Marks, batched.Marks);
        Assert.Equal(batchedPath == "/customers/search" ? ["not sent", "sending"] : [], batched.Marks);
        Assert.Equal(batchedPath == "/customers/search" ? ["POST", "POST", "PUT"] : ["POST", "PUT", "PUT"], batched.Methods);
    }

    private sealed class StopAfterSearch(CancellationTokenSource stopping) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.EndsWith("/customers/search", StringComparison.Ordinal)) await stopping.CancelAsync();
            return response;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
    }

    /// <summary>The canonical flow's HelpCrunch steps (update; create for rows whose update failed) on 100 rows:
    /// 90 existing contacts, 5 new, 5 that fail (locale 'xx', refused by update and create).</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task CanonicalFlow_RequestsPerRow(int batchSize)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 100; i++)
        {
            if (i % 20 != 3 && i % 20 != 11) emulator.AddContact($"row{i}@example.com", $"Old {i}");
        }
        using var client = TestConnection.Connect(emulator);
        var rows = Enumerable.Range(0, 100).Select(i => TestConnection.Item(
            ("Email", $"row{i}@example.com"), ("Name", $"Name {i}"), ("Phone", "+4930123456"), ("Company", "ACME"),
            ("Locale", i % 20 == 11 ? "xx" : "en"))).ToList();
        JToken Fields(ItemScope item, bool withEmail)
        {
            var fields = new JObject { ["name"] = item.Row["Name"], ["phone"] = item.Row["Phone"], ["company"] = item.Row["Company"], ["locale"] = item.Row["Locale"] };
            if (withEmail) fields["email"] = item.Row["Email"];
            return fields;
        }
        var update = new UpdateContactStep(client, "email", MultipleMatches.First, item => item.Row["Email"], item => Fields(item, false));
        var create = new CreateContactStep(client, item => Fields(item, true));

        var counts = new Dictionary<string, int>();
        foreach (var chunk in rows.Chunk(batchSize))
        {
            var updated = await update.ExecuteAsync(chunk, default);
            var toCreate = chunk.Where((_, i) => updated[i].Status == OutcomeStatus.Failed).ToList();
            var created = toCreate.Count > 0 ? await create.ExecuteAsync(toCreate, default) : [];
            foreach (var o in updated) counts[$"update {o.Status}"] = counts.GetValueOrDefault($"update {o.Status}") + 1;
            foreach (var o in created) counts[$"create {o.Status}"] = counts.GetValueOrDefault($"create {o.Status}") + 1;
        }

        var perRow = emulator.Received.Count / 100.0;
        output.WriteLine($"batchSize {batchSize}: {emulator.Received.Count} HelpCrunch requests for 100 rows = {perRow:0.00} per row " +
            $"({string.Join(", ", emulator.Received.GroupBy(r => r.Method + " " + (r.Path.Split('/')[^1].All(char.IsAsciiDigit) ? "customers/{id}" : r.Path.Split('/')[^1])).Select(g => $"{g.Count()} {g.Key}"))}); " +
            string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}")));
        Assert.Equal(90, counts["update Succeeded"]);
        Assert.Equal(5, counts["create Succeeded"]);
        Assert.Equal(5, counts["create Failed"]);
        if (batchSize >= 10) Assert.True(perRow <= 0.3, $"{perRow} requests per row");
    }

    private static List<string> Describe(IEnumerable<StepOutcome> outcomes) =>
        [.. outcomes.Select(o => $"{o.Status} | {o.Error} | {string.Join(",", o.Output.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}")];

    private static List<string> Contacts(HelpCrunchEmulator emulator) => [.. emulator.Contacts.Select(c => c.ToString(Newtonsoft.Json.Formatting.None))];
}
