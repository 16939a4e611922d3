using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

public sealed class SheetWritesTests
{
    private const string Id = WriterTestBed.SpreadsheetId;

    // ---- client and emulator: the wire shapes ----------------------------------------------------------------------

    [Fact]
    public async Task Append_AddsRowBelowTable_AndReportsGoogleShape()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();

        var result = await client.AppendRowAsync(Id, "Contacts!A1:D", ["cy@example.com", "Cy", "new"], rawInput: false, default);

        Assert.Equal("Contacts!A4:C4", result.UpdatedRange);
        Assert.Equal((1, 3, 3), (result.UpdatedRows, result.UpdatedColumns, result.UpdatedCells));
        Assert.Equal("Contacts!A1:D3", result.TableRange);
        Assert.Equal(4, result.FirstRow);
        Assert.Equal(["cy@example.com", "Cy", "new"], bed.Sheet()[3]);
        var request = bed.Emulator.Received.Single(r => r.Method == "POST" && r.Path.StartsWith("/v4/", StringComparison.Ordinal));
        Assert.EndsWith("/values/Contacts!A1:D:append", request.Path, StringComparison.Ordinal);
        Assert.Contains("valueInputOption=USER_ENTERED", request.Query, StringComparison.Ordinal);
        Assert.Contains("insertDataOption=INSERT_ROWS", request.Query, StringComparison.Ordinal);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"range":"Contacts!A1:D","majorDimension":"ROWS","values":[["cy@example.com","Cy","new"]]}"""),
            JObject.Parse(request.Body)), request.Body);
    }

    [Fact]
    public async Task Append_InsertsBeforeRowsBelowAGap()
    {
        await using var bed = await WriterTestBed.StartAsync();
        bed.Emulator.SetCell(Id, "Contacts", "A6", "notes below the table");
        using var client = bed.Client();

        var result = await client.AppendRowAsync(Id, "Contacts!A1:D", ["cy@example.com"], rawInput: true, default);

        Assert.Equal(4, result.FirstRow);
        Assert.Equal("notes below the table", bed.Sheet()[6][0]); // pushed down one row
    }

    [Fact]
    public async Task Update_WritesCells_SkippingNulls_AndClearingEmpties()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();

        var result = await client.UpdateRowAsync(Id, "Contacts!B3:D3", ["Benjamin", "done", null], rawInput: false, default);

        Assert.Equal("Contacts!B3:D3", result.UpdatedRange);
        Assert.Equal((1, 2, 2), (result.UpdatedRows, result.UpdatedColumns, result.UpdatedCells));
        Assert.Equal(["ben@example.com", "Benjamin", "done", "keep me"], bed.Sheet()[2]);
        var request = bed.Emulator.Received.Single(r => r.Method == "PUT");
        Assert.EndsWith("/values/Contacts!B3:D3", request.Path, StringComparison.Ordinal);
        Assert.Contains("valueInputOption=USER_ENTERED", request.Query, StringComparison.Ordinal);

        await client.UpdateRowAsync(Id, "Contacts!D3", [""], rawInput: false, default);
        Assert.Equal(["ben@example.com", "Benjamin", "done"], bed.Sheet()[2]);
    }

    [Fact]
    public async Task Update_IsRefused_WhenValuesDoNotFitTheRange()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.UpdateRowAsync(Id, "Contacts!B3:C3", ["a", "b", "c"], false, default));

        Assert.Equal(400, error.HttpStatus);
        Assert.Contains("tried writing to column [D]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_WithApiKey_FailsWithGoogles401_AndSaysWhy()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client(apiKey: true);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.AppendRowAsync(Id, "Contacts!A1:D", ["x@example.com"], false, default));

        Assert.Equal(401, error.HttpStatus);
        Assert.False(error.IsTransient);
        Assert.False(error.IsInactiveAccount); // the key is fine; keys just cannot write
        Assert.Contains("API keys are not supported by this API", error.Message, StringComparison.Ordinal);
        Assert.Contains("use a service account", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WriterTestBed.ApiKey, error.Message, StringComparison.Ordinal);
        Assert.Equal(3, bed.Sheet().Count);
    }

    [Fact]
    public async Task Write_ToReadOnlyShare_FailsWith403_AskingForEditor()
    {
        await using var bed = await WriterTestBed.StartAsync();
        bed.Emulator.ShareReadOnly(Id);
        using var client = bed.Client();

        Assert.NotEmpty(await client.GetValuesAsync(Id, "Contacts", default)); // reading still works
        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.UpdateRowAsync(Id, "Contacts!C2", ["x"], false, default));

        Assert.Equal(403, error.HttpStatus);
        Assert.Contains("as Editor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceAccount_AsksForWriteScope_OnlyWhenWriting()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();

        await client.GetValuesAsync(Id, "Contacts", default);
        Assert.Single(bed.Emulator.Received, r => r.Path == "/token");
        await client.UpdateRowAsync(Id, "Contacts!C2", ["ok"], false, default);

        Assert.Equal(2, bed.Emulator.Received.Count(r => r.Path == "/token"));
    }

    [Fact]
    public async Task Append_IsRetried_On503_ButNotAfterATimeout()
    {
        await using var bed = await WriterTestBed.StartAsync();
        using var client = bed.Client();
        await client.GetValuesAsync(Id, "Contacts", default); // fetch the tokens first, so faults hit the API
        await client.UpdateRowAsync(Id, "Contacts!C2", [""], false, default);

        bed.Emulator.Faults.FailNext(Fault.Status(503), ":append");
        var appended = await client.AppendRowAsync(Id, "Contacts!A1:D", ["cy@example.com"], false, default);
        Assert.Equal(4, appended.FirstRow);

        bed.Emulator.Faults.FailNext(Fault.Drop(), ":append");
        var dropped = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.AppendRowAsync(Id, "Contacts!A1:D", ["dee@example.com"], false, default));
        Assert.True(dropped.IsTransient);
        Assert.Contains("1 attempt", dropped.Message, StringComparison.Ordinal);
    }

    // ---- steps, loaded from flow JSON --------------------------------------------------------------------------------

    [Fact]
    public async Task AppendRow_PlacesCellsByHeader_WhateverTheMappingOrder()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "values": { "Note": "run {Run.Id}", "Email": "{Email}" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "cy@example.com"))], default));

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal("4", outcome.Output["rowNumber"]);
        Assert.Equal(["cy@example.com", "", "", "run run-7"], bed.Sheet()[3]);
    }

    [Fact]
    public async Task AppendRow_Fails_NamingTheColumn_WhenHeaderLacksIt()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "values": { "E-mail": "{Email}" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "cy@example.com"))], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("has no column 'E-mail'", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("it has: Email, Name, Status, Note", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendRow_WithApiKeyConnection_Fails_WithClearText()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "values": { "Email": "{Email}" } }
            """, apiKey: true);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "cy@example.com"))], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains("Google accepts API keys for reading public sheets only", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateRow_WritesStatusIntoTheFoundRow_LeavingOtherCells()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "values": { "Status": "{Name == \"\" ? \"no name\" : \"synced\"}" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "  BEN@example.com "), ("Name", "Ben"))], default));

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal(("3", "1", "Contacts!C3:C3"), (outcome.Output["rowNumber"], outcome.Output["matches"], outcome.Output["updatedRange"]));
        Assert.Equal(["ben@example.com", "Ben", "synced", "keep me"], bed.Sheet()[2]);
        Assert.Equal(["ann@example.com", "Ann"], bed.Sheet()[1]);
    }

    [Fact]
    public async Task UpdateRow_SpansNonAdjacentColumns_WithNullsBetween()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "values": { "Note": "checked", "Name": "Benjamin" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "ben@example.com"))], default));

        Assert.True(outcome.Status == OutcomeStatus.Succeeded, outcome.Error);
        Assert.Equal(["ben@example.com", "Benjamin", "", "checked"], bed.Sheet()[2]);
        var body = JObject.Parse(bed.Emulator.Received.Single(r => r.Method == "PUT").Body);
        Assert.Equal("""[["Benjamin",null,"checked"]]""", body["values"]!.ToString(Newtonsoft.Json.Formatting.None));
    }

    [Theory]
    [InlineData("zed@example.com", "no row of 'Contacts' has Email = 'zed@example.com'")]
    [InlineData("", "nothing to find")]
    public async Task UpdateRow_Fails_WhenNoRowMatches(string email, string expected)
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "values": { "Status": "x" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", email))], default));

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Received, r => r.Method == "PUT");
    }

    [Theory]
    [InlineData("first", OutcomeStatus.Succeeded, "2")]
    [InlineData("all", OutcomeStatus.Succeeded, "2,4")]
    [InlineData("fail", OutcomeStatus.Failed, "")]
    public async Task UpdateRow_FollowsMultipleMatchesPolicy(string policy, OutcomeStatus expected, string rows)
    {
        await using var bed = await WriterTestBed.StartAsync();
        bed.Emulator.AppendRow(Id, "Contacts", "ann@example.com", "Ann again");
        var step = bed.Step($$"""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "multipleMatches": "{{policy}}", "values": { "Status": "seen" } }
            """);

        var outcome = Assert.Single(await step.ExecuteAsync([WriterTestBed.Item(("Email", "ann@example.com"))], default));

        Assert.Equal(expected, outcome.Status);
        Assert.Equal(rows, outcome.Output.TryGetValue("rowNumbers", out var written) ? written : "");
        Assert.Equal("2", outcome.Output["matches"]);
    }

    [Fact]
    public async Task UpdateRow_Preview_FindsTheRow_AndWritesNothing()
    {
        await using var bed = await WriterTestBed.StartAsync();
        var step = bed.Step("""
            { "id": "status", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "1WriteTests_abc-XYZ", "sheet": "Contacts",
              "findColumn": "Email", "findValue": "{Email}", "values": { "Status": "x" } }
            """);

        var preview = Assert.Single(await step.PreviewAsync([WriterTestBed.Item(("Email", "ann@example.com"))], default));

        Assert.Equal(OutcomeStatus.Succeeded, preview.Predicted.Status);
        Assert.Equal(["GET", "GET", "PUT"], preview.Requests.Select(r => r.Method));
        Assert.DoesNotContain(bed.Emulator.Received, r => r.Method == "PUT");
    }

    [Theory]
    [InlineData("""{ "id": "s", "type": "googleSheets.updateRow", "connection": "sheets", "spreadsheetId": "x", "sheet": "Contacts", "findValue": "{Email}", "values": { "Status": "x" } }""", "RE0203")]
    [InlineData("""{ "id": "s", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "x", "sheet": "Contacts", "values": { } }""", "RE1023")]
    [InlineData("""{ "id": "s", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "x", "sheet": "Contacts", "values": { "A": ["x"] } }""", "RE1024")]
    [InlineData("""{ "id": "s", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "https://docs.google.com/x", "sheet": "Contacts", "values": { "A": "x" } }""", "RE1020")]
    [InlineData("""{ "id": "s", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "x", "sheet": "Contacts", "valueInputOption": "PARSED", "values": { "A": "x" } }""", "RE0202")]
    public async Task Load_ReportsProblem_WhenWriteStepSettingsAreWrong(string step, string code)
    {
        await using var bed = await WriterTestBed.StartAsync();

        var (_, diagnostics) = bed.Load(step);

        Assert.Contains(diagnostics, d => d.Code == code);
    }
}
