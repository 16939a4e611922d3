using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>The spreadsheet's locale reaches every item, so typed reads parse cells the way the sheet shows them.</summary>
public sealed class SpreadsheetLocaleTests : IAsyncLifetime
{
    private const string Sheet = "Payments";
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SheetsTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [InlineData("de_DE", "de-DE")]
    [InlineData("en_US", "en-US")]
    [InlineData("pt_BR", "pt-BR")]
    [InlineData("es_419", "es-419")]
    [InlineData("iw_IL", "he-IL")] // Google still writes Hebrew with the withdrawn code
    [InlineData("de", "de")]
    [InlineData("", "")]
    [InlineData("xx_QQ", "")]
    public void CultureName_IsTheDotNetFormOfGooglesLocale(string locale, string culture) =>
        Assert.Equal(culture, new SpreadsheetProperties(locale, "Etc/GMT").CultureName);

    [Fact]
    public async Task GetSpreadsheetProperties_ReadsLocaleAndTimeZone_WithAFieldsMask()
    {
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, [["Amount"]]);
        _bed.Emulator.SetLocale(SheetsTestBed.SpreadsheetId, "de_DE", "Europe/Berlin");

        var properties = await _bed.Client().GetSpreadsheetPropertiesAsync(SheetsTestBed.SpreadsheetId, default);

        Assert.Equal(new SpreadsheetProperties("de_DE", "Europe/Berlin"), properties);
        var request = Assert.Single(_bed.Emulator.Received);
        Assert.Equal($"/v4/spreadsheets/{SheetsTestBed.SpreadsheetId}", request.Path);
        Assert.Contains("fields=properties%28locale%2CtimeZone%29", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_AnswersEnUs_ByDefault_AndOnlyTheMaskedFields()
    {
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, [["Amount"]]);

        var properties = await _bed.Client().GetSpreadsheetPropertiesAsync(SheetsTestBed.SpreadsheetId, default);
        var titles = await _bed.Client().GetSheetTitlesAsync(SheetsTestBed.SpreadsheetId, default);

        Assert.Equal(new SpreadsheetProperties("en_US", "Etc/GMT"), properties);
        Assert.Equal([Sheet], titles);
    }

    [Fact]
    public async Task ReadNew_PutsTheCultureOnEveryItem_AndAnIdlePollDoesNotAskForIt()
    {
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, [["Amount"], ["1.234,5"], ["7"]]);
        _bed.Emulator.SetLocale(SheetsTestBed.SpreadsheetId, "de_DE");
        var source = _bed.Source(Sheet);
        var engine = new Support.RecordingEngine(source);

        var read = await engine.RunAsync();
        _bed.Emulator.ClearReceived();
        var idle = await engine.RunAsync();

        Assert.All(read, i => Assert.Equal("de-DE", i.Locale));
        Assert.Empty(idle);
        Assert.Single(_bed.Emulator.Received); // the whole tab in one values.get: no spreadsheets.get
        Assert.Equal("de-DE", (await source.ReadSampleAsync(2, default))!.Locale);
    }

    [Fact]
    public async Task AFlowCondition_ReadsAGermanAmountAndDate_InTheSpreadsheetsLocale()
    {
        await using var writer = await WriterTestBed.StartAsync();
        writer.Emulator.AddSheet(WriterTestBed.SpreadsheetId, Sheet,
        [
            ["Email", "Amount", "Due"],
            ["big@example.com", "1.234,5", "31.01.2025"],
            ["small@example.com", "99,9", "01.02.2025"],
        ]);
        writer.Emulator.SetLocale(WriterTestBed.SpreadsheetId, "de_DE", "Europe/Berlin");
        var (flow, diagnostics) = writer.LoadFlow($$"""
            {
              "name": "big-payments",
              "source": { "type": "googleSheets.newRows", "connection": "sheets", "spreadsheetId": "{{WriterTestBed.SpreadsheetId}}",
                          "sheet": "{{Sheet}}", "columns": ["Email", "Amount", "Due"] },
              "steps": [
                { "id": "ifBig", "type": "if",
                  "condition": "Row.AsNumber(\"Amount\") == 1234.5m && Row.AsDate(\"Due\") == new DateTime(2025, 1, 31)",
                  "then": [
                    { "id": "log", "type": "googleSheets.appendRow", "connection": "sheets", "spreadsheetId": "{{WriterTestBed.SpreadsheetId}}",
                      "sheet": "Contacts", "values": { "Email": "{Email}", "Note": "big: {Amount}" } } ] }
              ]
            }
            """);
        Assert.True(flow is not null, string.Join("\n", diagnostics));
        using var store = new SqliteStateStore(writer.StatePath());

        var run = await new FlowRunner(store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.All(run.Items, i => Assert.True(i.Status == RowStatus.Done, $"row {i.Item.Number}: {i.Status} {i.Error}"));
        var logged = writer.Sheet().Skip(3).ToList();
        Assert.Equal(["big@example.com", "", "", "big: 1.234,5"], Assert.Single(logged));
        Assert.Contains(writer.Emulator.Received, r => r.Path == $"/v4/spreadsheets/{WriterTestBed.SpreadsheetId}");
    }
}
