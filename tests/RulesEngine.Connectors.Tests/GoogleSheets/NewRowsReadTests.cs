using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>The whole-tab read walks Google's answer as it streams in: cells must read exactly as the buffered read gives them.</summary>
public sealed class NewRowsReadTests : IAsyncLifetime
{
    private const string Sheet = "Signups";
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SheetsTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task ReadNew_GivesEveryCellAsTheBufferedReadDoes_EscapesUnicodeAndCellsLongerThanTheBuffer()
    {
        var longCell = string.Concat(Enumerable.Repeat("x\"y\\z\n", 40_000)); // 240,000 chars, escaped in JSON
        string[][] rows =
        [
            ["Name", "Note", "Emoji"],
            ["Zoë \"Z\" O'Neil", "line 1\nline 2\ttab", "👍 ok"],
            ["", "only a note"],
            ["Long", longCell, "\u0001 control"],
        ];
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, rows);

        var items = (await new RecordingEngine(_bed.Source(Sheet)).RunAsync()).ToList();
        using var client = _bed.Client();
        var buffered = await client.GetValuesAsync(SheetsTestBed.SpreadsheetId, $"{Sheet}!A2:ZZ", default);

        Assert.Equal(3, items.Count);
        for (var i = 0; i < items.Count; i++)
            Assert.Equal(buffered[i], items[i].Fields.Values.Take(buffered[i].Count));
        Assert.Equal(longCell, items[2].Fields["Note"]);
    }

    [Fact]
    public async Task ReadNew_IsRetriedAfterA503_AndGivesEachRowOnce()
    {
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, [["Name"], ["Ann"], ["Bob"]]);
        _bed.Emulator.Faults.FailNext(Fault.Status(503), "/values/");

        var items = await new RecordingEngine(_bed.Source(Sheet)).RunAsync();

        Assert.Equal(["Ann", "Bob"], items.Select(i => i.Fields["Name"]));
        Assert.Equal(2, _bed.RangesRead().Count);
    }
}
