using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.GoogleSheets.Tests.Support;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

public sealed class GoogleSheetsEmulatorTests : IAsyncLifetime
{
    private SheetsTestBed _bed = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _bed = await SheetsTestBed.StartAsync();
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, "Sheet1",
            [["Name", "Email", "Amount"], ["Ann", "a@x.io", "12.5"], ["Bob"], [], ["Cy", "", "3", ""]]);
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, "My 'Sheet'", [["x"]]);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _bed.DisposeAsync();
    }

    private async Task<(int Status, JObject Body)> GetAsync(string range, string? key = SheetsTestBed.ApiKey, string id = SheetsTestBed.SpreadsheetId)
    {
        var url = $"{_bed.Emulator.BaseUrl}v4/spreadsheets/{id}/values/{Uri.EscapeDataString(range)}" + (key is null ? "" : "?key=" + key);
        using var response = await _http.GetAsync(url);
        return ((int)response.StatusCode, JObject.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("Sheet1", "Sheet1!A1:Z1000", "[[\"Name\",\"Email\",\"Amount\"],[\"Ann\",\"a@x.io\",\"12.5\"],[\"Bob\"],[],[\"Cy\",\"\",\"3\"]]")]
    [InlineData("Sheet1!A2:B3", "Sheet1!A2:B3", "[[\"Ann\",\"a@x.io\"],[\"Bob\"]]")]
    [InlineData("Sheet1!1:1", "Sheet1!A1:Z1", "[[\"Name\",\"Email\",\"Amount\"]]")]
    [InlineData("Sheet1!A5:ZZ", "Sheet1!A5:Z1000", "[[\"Cy\",\"\",\"3\"]]")]
    [InlineData("Sheet1!B:B", "Sheet1!B1:B1000", "[[\"Email\"],[\"a@x.io\"]]")]
    [InlineData("A2:C2", "Sheet1!A2:C2", "[[\"Ann\",\"a@x.io\",\"12.5\"]]")]
    [InlineData("Sheet1!C5", "Sheet1!C5:C5", "[[\"3\"]]")]
    [InlineData("'My ''Sheet'''!A1:B", "'My ''Sheet'''!A1:B1000", "[[\"x\"]]")]
    public async Task ValuesGet_ReturnsGooglesShape(string range, string echo, string values)
    {
        var (status, body) = await GetAsync(range);

        Assert.Equal(200, status);
        Assert.Equal(echo, body["range"]!.ToString());
        Assert.Equal("ROWS", body["majorDimension"]!.ToString());
        Assert.Equal(values, body["values"]!.ToString(Newtonsoft.Json.Formatting.None));
    }

    [Fact]
    public async Task ValuesGet_LeavesOutValues_WhenTheRangeIsEmpty()
    {
        var (status, body) = await GetAsync("Sheet1!A20:ZZ");

        Assert.Equal(200, status);
        Assert.Null(body["values"]);
    }

    [Theory]
    [InlineData("Nope!A1:B2", 400, "INVALID_ARGUMENT", "Unable to parse range: Nope!A1:B2")]
    [InlineData("Sheet1!A1:B:C", 400, "INVALID_ARGUMENT", "Unable to parse range: Sheet1!A1:B:C")]
    public async Task ValuesGet_AnswersInGooglesErrorEnvelope(string range, int code, string googleStatus, string message)
    {
        var (status, body) = await GetAsync(range);

        Assert.Equal(code, status);
        Assert.Equal((code, googleStatus, message), (body["error"]!["code"]!.Value<int>(), body["error"]!["status"]!.ToString(), body["error"]!["message"]!.ToString()));
    }

    [Fact]
    public async Task ValuesGet_Answers404_ForAnUnknownSpreadsheet_And403_WithoutCredentials()
    {
        Assert.Equal(404, (await GetAsync("Sheet1", id: "unknown")).Status);
        Assert.Equal("PERMISSION_DENIED", (await GetAsync("Sheet1", key: null)).Body["error"]!["status"]!.ToString());
    }

    [Fact]
    public void EditingApi_InsertsDeletesAppendsAndSetsCells()
    {
        var emulator = _bed.Emulator;
        emulator.InsertRow(SheetsTestBed.SpreadsheetId, "Sheet1", 2, "Zoe");
        emulator.DeleteRow(SheetsTestBed.SpreadsheetId, "Sheet1", 4);
        emulator.SetCell(SheetsTestBed.SpreadsheetId, "Sheet1", "D2", "vip");
        var appended = emulator.AppendRow(SheetsTestBed.SpreadsheetId, "Sheet1", "Dan");

        var rows = emulator.ReadSheet(SheetsTestBed.SpreadsheetId, "Sheet1");

        Assert.Equal(["Name", "Zoe", "Ann", "", "Cy", "Dan"], rows.Select(r => r.Count > 0 ? r[0] : ""));
        Assert.Equal(["Zoe", "", "", "vip"], rows[1]);
        Assert.Equal(6, appended);
    }

    [Fact]
    public async Task SpreadsheetsGet_ListsSheetProperties()
    {
        using var response = await _http.GetAsync($"{_bed.Emulator.BaseUrl}v4/spreadsheets/{SheetsTestBed.SpreadsheetId}?fields=sheets.properties&key={SheetsTestBed.ApiKey}");
        var body = JObject.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(["Sheet1", "My 'Sheet'"], body["sheets"]!.Select(s => s["properties"]!["title"]!.ToString()));
        Assert.Equal(1000, body["sheets"]![0]!["properties"]!["gridProperties"]!["rowCount"]!.Value<int>());
    }

    [Fact]
    public async Task TokenEndpoint_RefusesOtherGrants()
    {
        using var response = await _http.PostAsync(_bed.Emulator.TokenUrl,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("unsupported_grant_type", JObject.Parse(await response.Content.ReadAsStringAsync())["error"]!.ToString());
    }
}
