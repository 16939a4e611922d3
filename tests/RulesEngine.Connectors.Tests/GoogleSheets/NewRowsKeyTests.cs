using RulesEngine.Connectors.GoogleSheets.Tests.Support;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>Rows are known by their values under column names: what changes a row's key, and what does not.</summary>
public sealed class NewRowsKeyTests : IAsyncLifetime
{
    private const string Sheet = "Signups";
    private const string Id = SheetsTestBed.SpreadsheetId;
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SheetsTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private static string? Key(string[] header, string[] cells, IReadOnlyList<string>? columns = null, string[]? keys = null,
        EditedRows edited = EditedRows.Ignore) =>
        new RowKeying(new SheetHeader(header), keys ?? [], columns, edited).KeyOf(cells);

    [Fact]
    public void Key_IgnoresColumnOrder_AndEmptyColumns()
    {
        var key = Key(["Email", "Name"], ["a@x.io", "Ann"]);

        Assert.Equal(key, Key(["Name", "Email"], ["Ann", "a@x.io"]));
        Assert.Equal(key, Key(["Email", "Notes", "Name"], ["a@x.io", "", "Ann"]));
        Assert.Equal(key, Key(["Email", "Name", "Notes"], ["a@x.io", "Ann", " "]));
        Assert.NotEqual(key, Key(["Email", "Name"], ["a@x.io", "Anne"]));
        // The same values under other names are another row.
        Assert.NotEqual(key, Key(["Name", "Email"], ["a@x.io", "Ann"]));
    }

    [Fact]
    public void Key_OverDeclaredColumns_IgnoresTheOthers_WhateverTheyHold()
    {
        string[] columns = ["Email", "Name"];
        var key = Key(["Email", "Name", "Status"], ["a@x.io", "Ann"], columns);

        Assert.Equal(key, Key(["Status", "Email", "Name"], ["done", "a@x.io", "Ann"], columns));
        Assert.Equal(key, Key(["Email", "Name"], ["a@x.io", "Ann"], ["Name", "Email"]));
    }

    [Fact]
    public void Key_CountsCellsWithoutAName_ByValue_SoRowsDifferingThereStayDistinct()
    {
        var one = Key(["Name", ""], ["Ann", "1"]);

        Assert.NotEqual(one, Key(["Name", ""], ["Ann", "2"]));
        Assert.Equal(one, Key(["", "Name"], ["1", "Ann"]));
        Assert.Equal(Key(["Name"], ["Ann", "x", "y"]), Key(["Name"], ["Ann", "y", "x"]));
    }

    [Fact]
    public void Key_NamesARepeatedColumnByOccurrence_NotByLetter()
    {
        var key = Key(["Email", "Email"], ["a@x.io", "b@x.io"]);

        Assert.Equal(key, Key(["Notes", "Email", "Email"], ["", "a@x.io", "b@x.io"]));
        Assert.NotEqual(key, Key(["Email", "Email"], ["b@x.io", "a@x.io"]));
    }

    [Fact]
    public void KeyColumns_KeepTheirFormula_AndEditedRowsProcess_AddsTheContent()
    {
        string[] header = ["Email", "Name"];
        var ignore = Key(header, ["a@x.io", "Ann"], keys: ["Email"]);

        Assert.Equal(ignore, Key(header, [" a@x.io ", "Anne"], keys: ["Email"]));
        // The formula versions before 2 used for key columns: existing state files keep working.
        Assert.Equal(SheetRow.Hash("{\"key\":[\"a@x.io\"]}"), ignore);
        var process = Key(header, ["a@x.io", "Ann"], keys: ["Email"], edited: EditedRows.Process);
        Assert.NotEqual(ignore, process);
        Assert.NotEqual(process, Key(header, ["a@x.io", "Anne"], keys: ["Email"], edited: EditedRows.Process));
        Assert.Equal(process, Key(["Name", "Email"], ["Ann", "a@x.io"], keys: ["Email"], edited: EditedRows.Process));
    }

    [Fact]
    public async Task ALegacyPosition_RecognisesRowsByTheirPositionalKeys_AndRecordsTheirNewKeys()
    {
        _bed.Emulator.AddSheet(Id, Sheet, [["Email", "Name"], ["a@x.io", "Ann"], ["b@x.io", "Bob"], ["c@x.io", "Cy"]]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        engine.Record(SheetRow.LegacyKeyOf(["a@x.io", "Ann"]));
        engine.Record(SheetRow.LegacyKeyOf(["b@x.io", "Bob"]));
        engine.Position = $"{{\"row\":3,\"hash\":\"{SheetRow.LegacyKeyOf(["b@x.io", "Bob"])}\",\"header\":\"{SheetRow.LegacyKeyOf(["Email", "Name"])}\"}}";

        Assert.Equal(["Cy"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));

        Assert.Equal(2, engine.Known.Count);
        Assert.Equal("{\"version\":2}", engine.Position);
        // From now on the new keys are recorded: moving columns repeats nothing.
        _bed.Emulator.MoveColumn(Id, Sheet, 1, 2);
        Assert.Empty(await engine.RunAsync());
    }

    [Fact]
    public async Task ALegacyPosition_UnderAnotherHeader_CannotVouchForAnyRow()
    {
        _bed.Emulator.AddSheet(Id, Sheet, [["Email", "Name", "Notes"], ["a@x.io", "Ann"]]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        engine.Record(SheetRow.LegacyKeyOf(["a@x.io", "Ann"]));
        engine.Position = $"{{\"row\":2,\"hash\":\"x\",\"header\":\"{SheetRow.LegacyKeyOf(["Email", "Name"])}\"}}";

        // The positional key happens to match, but the header it was made under is gone: not trusted.
        Assert.Single(await engine.RunAsync());
    }

    [Fact]
    public async Task ChangingTheFlowsColumns_RepeatsNoRow_AndEditsAfterwardsCount()
    {
        _bed.Emulator.AddSheet(Id, Sheet, [["Email", "Name", "Plan"], ["a@x.io", "Ann", "pro"], ["b@x.io", "Bob", "free"]]);
        var before = new RecordingEngine(_bed.Source(Sheet, columns: ["Email", "Name"]));
        Assert.Equal(2, (await before.RunAsync()).Count);
        Assert.Equal("{\"version\":2,\"columns\":[\"Email\",\"Name\"]}", before.Position);

        var after = new RecordingEngine(_bed.Source(Sheet, columns: ["Email", "Name", "Plan"])) { Position = before.Position };
        foreach (var key in before.Recorded) after.Record(key);

        Assert.Empty(await after.RunAsync());
        Assert.Equal(2, after.Known.Count);
        _bed.Emulator.SetCell(Id, Sheet, "C3", "pro");
        Assert.Equal(["Bob"], (await after.RunAsync()).Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task EditedRowsProcess_SendsAnEditedRowOnce_EditedRowsIgnore_DoesNot()
    {
        _bed.Emulator.AddSheet(Id, Sheet, [["Email", "Name"], ["a@x.io", "Ann"], ["b@x.io", "Bob"]]);
        var process = new RecordingEngine(_bed.Source(Sheet, keys: ["Email"], editedRows: EditedRows.Process));
        var ignore = new RecordingEngine(_bed.Source(Sheet, keys: ["Email"]));
        await process.RunAsync();
        await ignore.RunAsync();

        _bed.Emulator.SetCell(Id, Sheet, "B2", "Ann Lee");

        Assert.Equal(["Ann Lee"], (await process.RunAsync()).Select(i => i.Fields["Name"]));
        Assert.Empty(await process.RunAsync());
        Assert.Empty(await ignore.RunAsync());
    }
}
