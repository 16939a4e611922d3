using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// The "new rows" position against real sheet edits, through the engine and the Sheets emulator: rows are known by
/// content, the position is only a shortcut that is checked before it is trusted.
/// </summary>
public sealed partial class SheetEditTests : IAsyncLifetime
{
    private const string Id = TestBed.SpreadsheetId;
    private const string Tab = TestBed.Sheet;
    private TestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await TestBed.StartAsync();
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0 });
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RowsInsertedAboveThePosition_AreProcessed_AndNothingIsRepeated()
    {
        _bed.AppendRows([Row("a"), Row("b")]);
        Assert.Equal(["a", "b"], await RunAsync());
        _bed.Sheets.InsertRow(Id, Tab, 2, Row("c"));
        _bed.AppendRows([Row("d")]);
        Assert.Equal(["c", "d"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task DeletedRows_AboveOrAtThePosition_SkipNothingAndRepeatNothing()
    {
        _bed.AppendRows([Row("a"), Row("b"), Row("c")]);
        Assert.Equal(["a", "b", "c"], await RunAsync());
        _bed.Sheets.DeleteRow(Id, Tab, 2); // a
        _bed.Sheets.DeleteRow(Id, Tab, 3); // c, the anchor
        _bed.AppendRows([Row("d")]);
        Assert.Equal(["d"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task ARowStillBeingTyped_IsTakenOnceItsRequiredColumnsAreFilled_AndLaterRowsDoNotWait()
    {
        _bed.AppendRows([Row("a"), ["", "Typing…", "", ""], Row("c")]);
        Assert.Equal(["a", "c"], await RunAsync());
        _bed.Sheets.SetCell(Id, Tab, "A3", Email("b"));
        Assert.Equal(["b"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task BlankRowsInTheMiddle_AreStepped_Over()
    {
        _bed.AppendRows([Row("a"), ["", "", "", ""], Row("b")]);
        Assert.Equal(["a", "b"], await RunAsync());
        _bed.AppendRows([["", "", "", ""], Row("c")]);
        Assert.Equal(["c"], await RunAsync());
    }

    [Fact]
    public async Task ANewColumnInTheHeader_ReadsTheSheetAgain_ButRepeatsNoRow()
    {
        _bed.AppendRows([Row("a"), Row("b")]);
        Assert.Equal(["a", "b"], await RunAsync());
        _bed.Sheets.SetCell(Id, Tab, "E1", "Notes");
        Assert.Empty(await RunAsync());
        _bed.AppendRows([Row("c")]);
        Assert.Equal(["c"], await RunAsync());
    }

    [Fact]
    public async Task ARenamedColumnTheFlowUses_StopsTheRun_NamingIt()
    {
        _bed.AppendRows([Row("a")]);
        _bed.Sheets.SetCell(Id, Tab, "B1", "Full name");
        var (exit, text) = await _bed.RunAsync();
        Assert.Equal(2, exit);
        Assert.Contains("'Name'", text, StringComparison.Ordinal);
        Assert.Empty(_bed.HelpCrunch.Received);
    }

    [Fact]
    public async Task AnotherSheet_StartsANewPosition_AndExistingRowsSkipIsHonoured()
    {
        _bed.AppendRows([Row("a")]);
        Assert.Equal(["a"], await RunAsync());
        // The tab was renamed (or the flow now reads another spreadsheet): the flow file names the new one.
        _bed.Sheets.AddSheet(Id, "Contacts 2025", [TestBed.Header, Row("a"), Row("b")]);
        await _bed.WriteFlowAsync(new JObject { ["sheet"] = "Contacts 2025", ["existingRows"] = "skip" });
        Assert.Empty(await RunAsync());
        _bed.Sheets.AppendRow(Id, "Contacts 2025", Row("c"));
        Assert.Equal(["c"], await RunAsync());
    }

    [Fact]
    public async Task IdenticalRows_AreOneRow()
    {
        // Rows are known by content: a row pasted twice is the same row, processed once (documented).
        _bed.AppendRows([Row("a"), Row("a")]);
        Assert.Equal(["a"], await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_EditingAProcessedRowsOtherCells_DoesNotMakeItNew_EvenWhenTheTabIsReadAgain()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("Email") });
        _bed.AppendRows([Row("a"), Row("b")]);
        Assert.Equal(["a", "b"], await RunAsync());
        _bed.Sheets.SetCell(Id, Tab, "C2", "u-17"); // a UserId filled in later
        _bed.Sheets.SetCell(Id, Tab, "D3", "de");   // b's locale corrected (b is the anchor)
        _bed.Sheets.InsertRow(Id, Tab, 2, Row("c")); // and a row above: the whole tab is read again
        _bed.AppendRows([Row("d")]);
        Assert.Equal(["c", "d"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_RowsWithTheSameKey_AreOneRow()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("Email") });
        _bed.AppendRows([Row("a"), [Email("a"), "A second time", "u-2", "uk"]]);
        Assert.Equal(["a"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_RowsAlikeButForTheKey_AreBothProcessed()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("UserId") });
        _bed.AppendRows([[Email("a"), "A", "u-1", "en"], [Email("a"), "A", "u-2", "en"]]);
        Assert.Equal(["a", "a"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_AKeyColumnMissingFromTheHeader_StopsTheRun_NamingIt()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("Email") });
        _bed.AppendRows([Row("a")]);
        _bed.Sheets.SetCell(Id, Tab, "A1", "E-mail");
        var (exit, text) = await _bed.RunAsync();
        Assert.Equal(2, exit);
        Assert.Contains("'Email' (a key column", text, StringComparison.Ordinal);
        Assert.Empty(_bed.HelpCrunch.Received);
    }

    private static string Email(string name) => $"{name}@example.com";

    private static string[] Row(string name) => [Email(name), name.ToUpperInvariant(), "", "en"];

    /// <summary>Runs the flow; returns the names of the rows it processed, in order.</summary>
    private async Task<List<string>> RunAsync()
    {
        var (exit, text) = await _bed.RunAsync();
        Assert.True(exit == 0, text);
        return [.. ProcessedRow().Matches(text).Select(m => m.Groups["name"].Value)];
    }

    [GeneratedRegex(@"^\s+row \d+\s+(?<name>\w+)@example\.com", RegexOptions.Multiline)]
    private static partial Regex ProcessedRow();
}
