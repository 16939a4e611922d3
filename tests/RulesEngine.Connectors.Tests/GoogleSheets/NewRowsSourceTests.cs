using RulesEngine.Connectors.GoogleSheets.Tests.Support;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

public sealed class NewRowsSourceTests : IAsyncLifetime
{
    private const string Sheet = "Form responses 1";
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SheetsTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private void Seed(params string[][] rows) => _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, Sheet, rows);

    [Fact]
    public async Task ReadNew_NamesFieldsByHeader_WhenHeaderHasSpacesAndGaps()
    {
        Seed(["Full name", "E-mail address", "", "Phone"], ["Ann Lee", "ann@x.io", "note", "", "extra"]);

        var items = (await _bed.Source(Sheet).ReadNewAsync(null, default)).Items;

        var item = Assert.Single(items);
        Assert.Equal(2, item.Number);
        Assert.Equal("Ann Lee", item.Fields["Full name"]);
        Assert.Equal("ann@x.io", item.Fields["E-mail address"]);
        Assert.Equal("note", item.Fields["Column C"]);
        Assert.Equal("", item.Fields["Phone"]);
        Assert.Equal("extra", item.Fields["Column E"]);
    }

    [Fact]
    public async Task ReadNew_SkipsBlankRows_AndGivesMissingCellsAsEmptyText()
    {
        Seed(["Name", "Email", "City"], ["Ann"], [], ["", "", ""], ["Bob", "", "Kyiv"]);

        var items = (await _bed.Source(Sheet).ReadNewAsync(null, default)).Items;

        Assert.Equal([2, 5], items.Select(i => i.Number));
        Assert.Equal("", items[0].Fields["Email"]);
        Assert.Equal("", items[0].Fields["City"]);
        Assert.Equal("Kyiv", items[1].Fields["City"]);
    }

    [Fact]
    public async Task ReadNew_ReadsTheWholeTabInOneRequest_AndReturnsOnlyRowsTheJournalDoesNotKnow()
    {
        Seed(["Name", "Email"], ["Ann", "a@x.io"], ["Bob", "b@x.io"]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        Assert.Equal(2, (await engine.RunAsync()).Count);
        _bed.Emulator.AppendRow(SheetsTestBed.SpreadsheetId, Sheet, "Cy", "c@x.io");
        _bed.Emulator.ClearReceived();

        var fresh = await engine.RunAsync();

        var item = Assert.Single(fresh);
        Assert.Equal(("Cy", 4), (item.Fields["Name"], item.Number));
        // Header and rows in one values.get: no row number to trust, so nothing to be fooled by.
        Assert.Equal(["'Form responses 1'!A1:ZZ"], _bed.RangesRead());
    }

    [Fact]
    public async Task ReadNew_AsksTheJournalInBulk_NotRowByRow()
    {
        Seed([["Name"], .. Enumerable.Range(0, 10_000).Select(i => new[] { $"Person {i}" })]);
        var engine = new RecordingEngine(_bed.Source(Sheet));

        Assert.Equal(10_000, (await engine.RunAsync()).Count);
        Assert.Empty(await engine.RunAsync());

        Assert.True(engine.Lookups.Count <= 6, $"{engine.Lookups.Count} questions to the journal for 10,000 rows read twice");
    }

    [Fact]
    public async Task ReadNew_ReturnsEveryUnprocessedRow_WhenRowsAreInsertedAboveTheAnchor()
    {
        Seed(["Name"], ["Ann"], ["Bob"]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        await engine.RunAsync();
        _bed.Emulator.InsertRow(SheetsTestBed.SpreadsheetId, Sheet, 2, "Zoe");
        _bed.Emulator.AppendRow(SheetsTestBed.SpreadsheetId, Sheet, "Cy");

        var fresh = await engine.RunAsync();

        Assert.Equal(["Zoe", "Cy"], fresh.Select(i => i.Fields["Name"]));
        Assert.Empty(await engine.RunAsync());
    }

    [Fact]
    public async Task ReadNew_ReturnsEveryUnprocessedRow_WhenTheAnchorRowIsDeleted()
    {
        Seed(["Name"], ["Ann"], ["Bob"]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        await engine.RunAsync();
        _bed.Emulator.DeleteRow(SheetsTestBed.SpreadsheetId, Sheet, 3);
        _bed.Emulator.AppendRow(SheetsTestBed.SpreadsheetId, Sheet, "Cy");
        _bed.Emulator.AppendRow(SheetsTestBed.SpreadsheetId, Sheet, "Dan");

        var fresh = await engine.RunAsync();

        Assert.Equal(["Cy", "Dan"], fresh.Select(i => i.Fields["Name"]));
        Assert.Equal([3, 4], fresh.Select(i => i.Number));
    }

    [Fact]
    public async Task ReadNew_PassesOverAnUnreadyRow_UntilItIsFilledIn()
    {
        Seed(["Name", "Email"], ["Ann", "a@x.io"], ["Bob"], ["Cy", "c@x.io"]);
        var engine = new RecordingEngine(_bed.Source(Sheet, required: ["Email"]));

        Assert.Equal(["Ann", "Cy"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));
        Assert.Empty(await engine.RunAsync());

        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "B3", "b@x.io");
        Assert.Equal(["Bob"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task ReadNew_FindsAnUnreadyRow_AfterRowsAboveABlankRowAreDeleted()
    {
        Seed(["Name", "Email"], ["Ann", "a@x.io"], ["Eve", "e@x.io"], [], ["Bob"], []);
        var engine = new RecordingEngine(_bed.Source(Sheet, required: ["Email"]));
        await engine.RunAsync();
        _bed.Emulator.DeleteRow(SheetsTestBed.SpreadsheetId, Sheet, 2);
        _bed.Emulator.DeleteRow(SheetsTestBed.SpreadsheetId, Sheet, 2);
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "B3", "b@x.io");

        Assert.Equal(["Bob"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task ReadNew_GivesAPositionWhenNothingIsNew_OnlyWhenItChanged()
    {
        Seed(["Name"]);
        var source = _bed.Source(Sheet);

        var first = await source.ReadNewAsync(null, default);
        var second = await source.ReadNewAsync(first.PositionWhenNoItems, default);

        Assert.Empty(first.Items);
        Assert.Equal("{\"version\":2}", first.PositionWhenNoItems);
        Assert.Null(second.PositionWhenNoItems);
    }

    [Fact]
    public async Task ReadNew_ANewColumn_ChangesOnlyTheRowsWithAValueInIt()
    {
        Seed(["Name"], ["Ann"], ["Bob"]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        await engine.RunAsync();
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "B1", "Email");
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "B2", "a@x.io");

        var fresh = await engine.RunAsync();

        // Without "columns", every named cell is the row's content: Ann has new content, Bob does not.
        Assert.Equal("a@x.io", Assert.Single(fresh).Fields["Email"]);
    }

    [Fact]
    public async Task ReadNew_FailsNamingTheColumn_WhenTheHeaderLacksADeclaredColumn()
    {
        Seed(["Name", "Mail"], ["Ann", "a@x.io"]);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => _bed.Source(Sheet, columns: ["Name", "Email"]).ReadNewAsync(null, default));

        Assert.Contains("'Email'", error.Message);
        Assert.Contains("Name, Mail", error.Message);
    }

    [Fact]
    public async Task ReadNew_ListsTheTabs_WhenTheSheetDoesNotExist()
    {
        Seed(["Name"]);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => _bed.Source("Sheet 2").ReadNewAsync(null, default));

        Assert.Contains("no sheet (tab) named 'Sheet 2'", error.Message);
        Assert.Contains("'Form responses 1'", error.Message);
    }

    [Fact]
    public async Task ReadNew_ReadsATabWhoseNameHasQuotes()
    {
        _bed.Emulator.AddSheet(SheetsTestBed.SpreadsheetId, "It's here", [["Name"], ["Ann"]]);

        var items = (await _bed.Source("It's here").ReadNewAsync(null, default)).Items;

        Assert.Equal("Ann", Assert.Single(items).Fields["Name"]);
        Assert.Contains("'It''s here'!A1:ZZ", _bed.RangesRead());
    }

    [Fact]
    public async Task ReadNew_UsesTheHeaderRowSetting()
    {
        Seed(["Registrations"], [], ["Name", "Email"], ["Ann", "a@x.io"]);

        var items = (await _bed.Source(Sheet, headerRow: 3).ReadNewAsync(null, default)).Items;

        Assert.Equal(("Ann", 4), (Assert.Single(items).Fields["Name"], items[0].Number));
    }

    [Fact]
    public async Task ReadEndPosition_SkipsTheRowsAlreadyInTheSheet()
    {
        Seed(["Name"], ["Ann"], ["Bob"]);
        var engine = new RecordingEngine(_bed.Source(Sheet));
        await engine.SkipExistingAsync();
        _bed.Emulator.InsertRow(SheetsTestBed.SpreadsheetId, Sheet, 2, "Zoe");
        _bed.Emulator.AppendRow(SheetsTestBed.SpreadsheetId, Sheet, "Cy");

        // The rows that were there are recorded, not remembered by place: a row inserted above them changes nothing.
        Assert.Equal(2, engine.Known.Count);
        Assert.Equal(["Zoe", "Cy"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task ReadSample_ReturnsTheGivenRowOrTheLastOne_WithoutAPosition()
    {
        Seed(["Name", "Email"], ["Ann", "a@x.io"], ["Bob", "b@x.io"], []);
        var source = _bed.Source(Sheet);

        var given = await source.ReadSampleAsync(2, default);
        var last = await source.ReadSampleAsync(null, default);

        Assert.Equal(("Ann", "a@x.io", 2), (given!.Fields["Name"], given.Fields["Email"], given.Number));
        Assert.Equal(("Bob", 3, ""), (last!.Fields["Name"], last.Number, last.PositionAfter));
        Assert.Null(await source.ReadSampleAsync(10, default));
    }

    [Fact]
    public async Task KeyColumns_AnEditedNonKeyCell_DoesNotMakeAProcessedRowNew_EvenAfterAFullRead()
    {
        Seed(["Email", "Name", "Status"], ["a@x.io", "Ann"], ["b@x.io", "Bob"]);
        var engine = new RecordingEngine(_bed.Source(Sheet, keys: ["Email"]));
        Assert.Equal(2, (await engine.RunAsync()).Count);
        // The flow writes back into its own tab, someone fixes a name, and a row inserted above the anchor forces the
        // whole tab to be read again.
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "C2", "created");
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "C3", "updated");
        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "B2", "Ann Lee");
        _bed.Emulator.InsertRow(SheetsTestBed.SpreadsheetId, Sheet, 2, "z@x.io", "Zoe");
        _bed.Emulator.ClearReceived();

        var fresh = await engine.RunAsync();

        Assert.Equal(["Zoe"], fresh.Select(i => i.Fields["Name"]));
        Assert.Empty(await engine.RunAsync());
    }

    [Fact]
    public async Task KeyColumns_RowsWithTheSameKey_AreOneItem()
    {
        Seed(["Email", "Name"], ["a@x.io", "Ann"], ["a@x.io", "Annie"], [" a@x.io ", "Ann again"]);
        var engine = new RecordingEngine(_bed.Source(Sheet, keys: ["Email"]));

        var fresh = await engine.RunAsync();

        Assert.Equal(["Ann"], fresh.Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task KeyColumns_RowsAlikeButForTheKey_AreDistinctItems()
    {
        Seed(["Id", "Name", "Email"], ["17", "Ann", "a@x.io"], ["18", "Ann", "a@x.io"]);
        var engine = new RecordingEngine(_bed.Source(Sheet, keys: ["Id"]));

        Assert.Equal(["17", "18"], (await engine.RunAsync()).Select(i => i.Fields["Id"]));
    }

    [Fact]
    public async Task KeyColumns_SeveralColumns_MakeOneKey_AndTheKeyDiffersFromTheContentKey()
    {
        Seed(["Order", "Line", "Sku"], ["1", "1", "X"], ["1", "2", "X"], ["1", "1", "Y"]);

        var items = (await _bed.Source(Sheet, keys: ["Order", "Line"]).ReadNewAsync(null, default)).Items;
        var byContent = (await _bed.Source(Sheet).ReadNewAsync(null, default)).Items;

        Assert.Equal(2, items.Select(i => i.Key).Distinct().Count());
        Assert.Equal(items[0].Key, items[2].Key);
        Assert.NotEqual(byContent[0].Key, items[0].Key);
    }

    [Fact]
    public async Task KeyColumns_ARowWithEveryKeyCellEmpty_IsNotReady_UntilOneIsFilled()
    {
        Seed(["Id", "Name"], ["1", "Ann"], ["", "Bob"], ["3", "Cy"]);
        var engine = new RecordingEngine(_bed.Source(Sheet, keys: ["Id"]));

        Assert.Equal(["Ann", "Cy"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));

        _bed.Emulator.SetCell(SheetsTestBed.SpreadsheetId, Sheet, "A3", "2");
        Assert.Equal(["Bob"], (await engine.RunAsync()).Select(i => i.Fields["Name"]));
    }

    [Fact]
    public async Task KeyColumns_ReadFailsNamingTheKeyColumn_WhenTheHeaderLacksIt()
    {
        Seed(["Name", "Mail"], ["Ann", "a@x.io"]);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => _bed.Source(Sheet, keys: ["Email"]).ReadNewAsync(null, default));

        Assert.Contains("'Email' (a key column", error.Message);
        Assert.Contains("Name, Mail", error.Message);
    }

    [Fact]
    public void KeyColumns_AreInThePositionKey_SoChangingThemStartsANewPosition()
    {
        Assert.Equal($"{SheetsTestBed.SpreadsheetId}/{Sheet}", _bed.Source(Sheet).PositionKey);
        Assert.Equal($"{SheetsTestBed.SpreadsheetId}/{Sheet} (key: Email, Id)", _bed.Source(Sheet, keys: ["Email", "Id"]).PositionKey);
        Assert.Equal($"{SheetsTestBed.SpreadsheetId}/{Sheet} (key: Email; edited rows processed)",
            _bed.Source(Sheet, keys: ["Email"], editedRows: EditedRows.Process).PositionKey);
    }

    [Fact]
    public async Task KeyColumns_SampleIsKnownByItsKey()
    {
        Seed(["Email", "Name"], ["a@x.io", "Ann"]);
        var read = (await _bed.Source(Sheet, keys: ["Email"]).ReadNewAsync(null, default)).Items[0];

        var sample = await _bed.Source(Sheet, keys: ["Email"]).ReadSampleAsync(2, default);

        Assert.Equal(read.Key, sample!.Key);
    }

    [Fact]
    public async Task Key_IsTheSameForTheSameContent_WhereverTheRowIs()
    {
        Seed(["Name"], ["Ann"]);
        var before = (await _bed.Source(Sheet).ReadNewAsync(null, default)).Items[0];
        _bed.Emulator.InsertRow(SheetsTestBed.SpreadsheetId, Sheet, 2, "Zoe");

        var after = (await _bed.Source(Sheet).ReadNewAsync(null, default)).Items.Single(i => i.Fields["Name"] == "Ann");

        Assert.Equal(before.Key, after.Key);
        Assert.Equal(3, after.Number);
        Assert.Equal($"{SheetsTestBed.SpreadsheetId}/{Sheet}", _bed.Source(Sheet).PositionKey);
    }
}
