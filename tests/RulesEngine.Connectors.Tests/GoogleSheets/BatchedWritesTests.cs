using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>
/// appendRow and updateRow serve a batch of items with one write request, and each item still gets exactly what it
/// would get alone: its own rows and ranges, its own error.
/// </summary>
public sealed class BatchedWritesTests
{
    private const string Id = WriterTestBed.SpreadsheetId;
    private static readonly string TooLong = new('x', 50_001);
    private static readonly string[] Fields = ["Email", "Note", "Status"];

    private const string AppendStep = """
        { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
          "values": { "Email": "{Email}", "Note": "{Note}" } }
        """;

    private static string UpdateStep(string policy = "first") => $$"""
        { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
          "findColumn": "Email", "findValue": "{Email}", "multipleMatches": "{{policy}}", "values": { "Status": "{Status}", "Note": "{Note}" } }
        """;

    private static ItemScope Item(string email, string note, string status = "") =>
        WriterTestBed.Item(("Email", email), ("Note", note), ("Status", status));

    // ---- appendRow ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task AppendRow_SendsABatchInOneAppend_AndEachRowGetsItsOwnRowAndRange()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step(AppendStep, columns: Fields);
        bed.Emulator.ClearReceived();

        var outcomes = await step.ExecuteAsync([Item("a@x.io", ""), Item("b@x.io", "note b"), Item("c@x.io", ""), Item("d@x.io", "note d"), Item("e@x.io", "")], default);

        Assert.All(outcomes, o => Assert.True(o.Status == OutcomeStatus.Succeeded, o.Error));
        Assert.Equal(["4", "5", "6", "7", "8"], outcomes.Select(o => o.Output["rowNumber"]));
        Assert.Equal(["Contacts!A4:D4", "Contacts!A5:D5", "Contacts!A6:D6", "Contacts!A7:D7", "Contacts!A8:D8"], outcomes.Select(o => o.Output["updatedRange"]));
        var append = Assert.Single(bed.Emulator.Received, r => r.Method == "POST" && r.Path.EndsWith(":append", StringComparison.Ordinal));
        Assert.Equal(5, ((JArray)JObject.Parse(append.Body)["values"]!).Count);
        Assert.Equal(["b@x.io", "", "", "note b"], bed.Sheet()[4]);
        Assert.Equal(["e@x.io"], bed.Sheet()[7]);
    }

    [Fact]
    public async Task AppendRow_ARowOnlyAsWideAsItsCells_GetsItsOwnNarrowerRange()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "values": { "Email": "{Email}", "Name": "{Note}" } }
            """, columns: Fields);

        var outcomes = await step.ExecuteAsync([Item("a@x.io", "Ann"), Item("b@x.io", "Bea")], default);

        // Each row alone would report A:B; the batch's answer spans both rows, and each gets its own slice of it.
        Assert.Equal(["Contacts!A4:B4", "Contacts!A5:B5"], outcomes.Select(o => o.Output["updatedRange"]));
    }

    [Fact]
    public async Task AppendRow_ABatchWithOneRefusedValue_FailsThatRowOnly_AndTheOthersLandInOrder()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step(AppendStep, columns: Fields);

        var outcomes = await step.ExecuteAsync([Item("a@x.io", "1"), Item("b@x.io", "2"), Item("c@x.io", TooLong), Item("d@x.io", "4"), Item("e@x.io", "5")], default);

        Assert.Equal(OutcomeStatus.Failed, outcomes[2].Status);
        Assert.Contains("appending a row to 'Contacts'", outcomes[2].Error, StringComparison.Ordinal);
        Assert.Contains("50000 characters", outcomes[2].Error, StringComparison.Ordinal);
        Assert.DoesNotContain("other row", outcomes[2].Error, StringComparison.Ordinal);
        Assert.Equal(["4", "5", "6", "7"], new[] { 0, 1, 3, 4 }.Select(i => outcomes[i].Output["rowNumber"]));
        Assert.Equal(["a@x.io", "b@x.io", "d@x.io", "e@x.io"], bed.Sheet().Skip(3).Select(r => r[0]));
    }

    [Fact]
    public async Task AppendRow_ABatchWhoseAnswerIsLost_HoldsEveryRow_AndIsNotSentAgain()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step(AppendStep, columns: Fields);
        await step.ExecuteAsync([Item("warm@x.io", "")], default); // tokens fetched, so the fault hits the append
        bed.Emulator.ClearReceived();
        bed.Emulator.Faults.FailNext(Fault.Drop(), ":append");

        var outcomes = await step.ExecuteAsync([Item("a@x.io", ""), Item("b@x.io", ""), Item("c@x.io", "")], default);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Held, o.Status));
        Assert.Contains("sent in one request with 2 other rows", outcomes[0].Error, StringComparison.Ordinal);
        // A lost answer may mean Google appended: neither retried nor split, so the rows can never land twice in a run.
        Assert.Single(bed.Emulator.Received, r => r.Path.EndsWith(":append", StringComparison.Ordinal));
    }

    // ---- updateRow ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task UpdateRow_ReadsTheColumnOnce_AndWritesABatchWithOneBatchUpdate()
    {
        await using var bed = await WriterTestBed.StartAsync();
        for (var i = 0; i < 6; i++) bed.Emulator.AppendRow(Id, "Contacts", $"u{i}@x.io", $"User {i}");
        var step = bed.Step(UpdateStep(), columns: Fields);
        bed.Emulator.ClearReceived();

        var outcomes = await step.ExecuteAsync([.. Enumerable.Range(0, 6).Select(i => Item($"U{i}@x.io", $"n{i}", "done"))], default);

        Assert.All(outcomes, o => Assert.True(o.Status == OutcomeStatus.Succeeded, o.Error));
        Assert.Equal(Enumerable.Range(4, 6).Select(r => $"Contacts!C{r}:D{r}"), outcomes.Select(o => o.Output["updatedRange"]));
        var api = bed.Emulator.Received.Where(r => r.Path.StartsWith("/v4/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, api.Count(r => r.Method == "GET")); // the header and the Email column
        Assert.DoesNotContain(api, r => r.Method == "PUT");
        var batch = Assert.Single(api, r => r.Method == "POST");
        Assert.EndsWith("/values:batchUpdate", batch.Path, StringComparison.Ordinal);
        Assert.Equal(6, ((JArray)JObject.Parse(batch.Body)["data"]!).Count);
        Assert.Equal(["u5@x.io", "User 5", "done", "n5"], bed.Sheet()[8]);
    }

    [Fact]
    public async Task UpdateRow_ABatchWithOneRefusedValue_FailsThatItemOnly()
    {
        await using var bed = await WriterTestBed.StartAsync();
        for (var i = 0; i < 4; i++) bed.Emulator.AppendRow(Id, "Contacts", $"u{i}@x.io");
        var step = bed.Step(UpdateStep(), columns: Fields);

        var outcomes = await step.ExecuteAsync([Item("u0@x.io", "a"), Item("u1@x.io", TooLong), Item("u2@x.io", "c"), Item("u3@x.io", "d")], default);

        Assert.Equal([OutcomeStatus.Succeeded, OutcomeStatus.Failed, OutcomeStatus.Succeeded, OutcomeStatus.Succeeded], outcomes.Select(o => o.Status));
        Assert.StartsWith("updating row 5 of 'Contacts': ", outcomes[1].Error, StringComparison.Ordinal);
        Assert.Contains("50000 characters", outcomes[1].Error, StringComparison.Ordinal);
        Assert.Equal(["a", "", "c", "d"], bed.Sheet().Skip(3).Select(r => r.Count > 3 ? r[3] : ""));
    }

    [Fact]
    public async Task UpdateRow_WhenAnItemWritesTheFindColumn_GoesOneByOne()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "values": { "Email": "{Note}" } }
            """, columns: Fields);

        // The first item renames ann to ben; alone, the second then finds the first ben (row 2), not row 3.
        var outcomes = await step.ExecuteAsync([Item("ann@example.com", "ben@example.com"), Item("ben@example.com", "cy@example.com")], default);

        Assert.Equal(["2", "2"], outcomes.Select(o => o.Output["rowNumber"]));
        Assert.DoesNotContain(bed.Emulator.Received, r => r.Path.EndsWith(":batchUpdate", StringComparison.Ordinal));
    }

    // ---- answers that do not say what each row got -----------------------------------------------------------------

    [Fact]
    public async Task AppendRows_WhoseAnswerDoesNotSpanTheRowsSent_IsMalformed_AndMayHaveActed()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();
        await client.GetValuesAsync(Id, "Contacts", default);
        bed.Emulator.Faults.FailNext(Fault.Answer("""{"spreadsheetId":"x","updates":{"updatedRange":"Contacts!A4:B4"}}"""), ":append");

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.AppendRowsAsync(Id, "Contacts!A1:D", [["a"], ["b"]], false, default));

        Assert.True(error is { Malformed: true, MayHaveActed: true, IsTransient: true }, error.Message);
        Assert.Contains("does not span the 2 rows sent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchUpdate_WithFewerResponsesThanRanges_IsMalformed_AndHoldsTheItems()
    {
        await using var bed = await WriterTestBed.StartAsync();
        bed.Emulator.AppendRow(Id, "Contacts", "u0@x.io");
        var step = bed.Step(UpdateStep(), columns: Fields);
        await step.ExecuteAsync([Item("u0@x.io", "warm")], default);
        bed.Emulator.Faults.FailNext(Fault.Answer("""{"spreadsheetId":"x","responses":[{"updatedRange":"Contacts!C2:D2"}]}"""), ":batchUpdate");

        var outcomes = await step.ExecuteAsync([Item("ann@example.com", "a"), Item("u0@x.io", "b")], default);

        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Held, o.Status));
        Assert.Contains("2 \"responses\"", outcomes[0].Error, StringComparison.Ordinal);
        Assert.Contains("sent in one request with 1 other write", outcomes[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchUpdate_InTheEmulator_IsAllOrNothing()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.BatchUpdateRowsAsync(Id,
            [("Contacts!C2:C2", ["first"]), ("Contacts!C3:C3", [TooLong])], false, default));

        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(["ann@example.com", "Ann"], bed.Sheet()[1]);
    }

    // ---- batched and row by row give the same sheet and the same outcomes ---------------------------------------

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    [InlineData(1234)]
    public async Task AppendRow_BatchedAndRowByRow_GiveTheSameSheetAndOutcomes(int seed)
    {
        var items = RandomItems(new Random(seed), emails: 12, count: 25);
        await CompareAsync(AppendStep, seed, items);
    }

    [Theory]
    [InlineData(1, "first")]
    [InlineData(7, "all")]
    [InlineData(42, "fail")]
    [InlineData(1234, "all")]
    public async Task UpdateRow_BatchedAndRowByRow_GiveTheSameSheetAndOutcomes(int seed, string policy)
    {
        var items = RandomItems(new Random(seed), emails: 12, count: 25);
        await CompareAsync(UpdateStep(policy), seed, items);
    }

    private static async Task CompareAsync(string stepJson, int seed, IReadOnlyList<ItemScope> items)
    {
        await using var batched = await WriterTestBed.StartAsync();
        await using var alone = await WriterTestBed.StartAsync();
        var rows = RandomSheet(new Random(seed + 1), emails: 12);
        foreach (var row in rows)
        {
            batched.Emulator.AppendRow(Id, "Contacts", row);
            alone.Emulator.AppendRow(Id, "Contacts", row);
        }

        var inOneBatch = await batched.Step(stepJson, columns: Fields).ExecuteAsync(items, default);
        var step = alone.Step(stepJson, columns: Fields);
        var oneByOne = new List<StepOutcome>();
        foreach (var item in items) oneByOne.Add(Assert.Single(await step.ExecuteAsync([item], default)));

        for (var i = 0; i < items.Count; i++)
        {
            Assert.True(oneByOne[i].Status == inOneBatch[i].Status, $"item {i}: {oneByOne[i].Status} alone, {inOneBatch[i].Status} batched ({inOneBatch[i].Error})");
            Assert.Equal(oneByOne[i].Error, inOneBatch[i].Error);
            Assert.Equal(oneByOne[i].Output.OrderBy(p => p.Key), inOneBatch[i].Output.OrderBy(p => p.Key));
        }
        Assert.Equal(alone.Sheet(), batched.Sheet());
        // The comparison means something only if the inputs reached every path.
        Assert.Contains(inOneBatch, o => o.Status == OutcomeStatus.Succeeded);
        Assert.Contains(inOneBatch, o => o.Status == OutcomeStatus.Failed);
    }

    /// <summary>Items with e-mails from a small pool (in random case and padding, so several items hit one row), some
    /// unknown or empty, random notes and statuses, now and then a value Google refuses.</summary>
    private static List<ItemScope> RandomItems(Random random, int emails, int count) =>
        [.. Enumerable.Range(0, count).Select(_ =>
        {
            var email = random.Next(10) switch
            {
                0 => "",
                1 => $"nobody{random.Next(100)}@x.io",
                _ => $"user{random.Next(emails)}@x.io",
            };
            if (random.Next(3) == 0) email = "  " + email.ToUpperInvariant() + " ";
            var note = random.Next(12) == 0 ? TooLong : random.Next(3) == 0 ? "" : $"note {random.Next(1000)}";
            return Item(email, note, random.Next(2) == 0 ? "" : $"s{random.Next(10)}");
        })];

    /// <summary>Rows below the header with e-mails from the pool, some twice, some with a status and a note already.</summary>
    private static List<string[]> RandomSheet(Random random, int emails) =>
        [.. Enumerable.Range(0, emails + 4).Select(i => new[]
        {
            $"user{(i < emails ? i : random.Next(emails))}@x.io", $"Name {i}", random.Next(2) == 0 ? "old" : "", random.Next(2) == 0 ? "kept" : "",
        })];
}
