using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// Rows are never repeated and never missed, whatever people do to the sheet: a table of sheet edits made through the
/// Sheets emulator between two runs of the canonical flow (the real CLI, a real state file). Each case says exactly
/// which rows the run after the edit sends to HelpCrunch or Telegram, and a third run sends nothing.
/// </summary>
public sealed partial class SheetEditTests : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await TestBed.StartAsync();
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0 });
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    /// <summary>One edit: the rows before it (default a, b, c in rows 2-4), what the first run sends (default all),
    /// the edit, and what the run after it sends.</summary>
    internal sealed record Edit(Action<Sheet> Change, string[] Then, string[][]? Rows = null, string[]? First = null, JObject? Source = null,
        bool NoColumns = false);

    private static readonly Dictionary<string, Edit> Table = new()
    {
        ["insert a row above"] = new(s => s.Insert(2, Row("x")), ["x"]),
        ["insert a row between"] = new(s => s.Insert(3, Row("x")), ["x"]),
        ["append a row below"] = new(s => s.Append(Row("d")), ["d"]),
        ["delete a row above"] = new(s => s.Delete(2), []),
        ["delete the last row"] = new(s => s.Delete(4), []),
        ["delete above, append below"] = new(s => { s.Delete(2); s.Append(Row("d")); }, ["d"]),
        // Issue 9 item 2: the row count and the last row are unchanged, the inserted row must still be found.
        ["insert above + delete above, same row count"] = new(s => { s.Insert(2, Row("x")); s.Delete(3); }, ["x"]),
        ["insert above + delete the last, same row count"] = new(s => { s.Insert(2, Row("x")); s.Delete(5); }, ["x"]),
        // Issue 9 item 1: rows are known by values under column names.
        ["insert a column in the middle"] = new(s => s.InsertColumn(2, "Notes"), []),
        ["insert a column at the start"] = new(s => s.InsertColumn(1, "Id"), []),
        ["reorder the columns, data moving with them"] = new(s => { s.MoveColumn(1, 4); s.MoveColumn(3, 1); }, []),
        ["reorder the columns, flow without columns"] = new(s => { s.MoveColumn(1, 4); s.MoveColumn(3, 1); }, [], NoColumns: true),
        ["insert a column, then append a row"] = new(s => { s.InsertColumn(3, "Notes"); s.Append(["d@example.com", "D", "", "", "en"]); }, ["d"]),
        ["a new column the flow does not read, filled in"] = new(s => { s.InsertColumn(3, "Notes"); s.Set("C3", "vip"); }, []),
        // Without "columns", every named cell is the row's content: a note is an edit.
        ["a new column filled in, flow without columns"] = new(s => { s.InsertColumn(3, "Notes"); s.Set("C3", "vip"); }, ["b"], NoColumns: true),
        // Issue 9 item 3: one rule for every row, middle or last.
        ["edit a processed row in the middle"] = new(s => s.Set("B3", "Bee"), ["b"]),
        ["edit the last processed row"] = new(s => s.Set("B4", "Cee"), ["c"]),
        ["edit two rows"] = new(s => { s.Set("B2", "Ay"); s.Set("B4", "Cee"); }, ["a", "c"]),
        ["edit one row twice"] = new(s => { s.Set("B3", "B1"); s.Set("B3", "B2"); }, ["b"]),
        ["edit a row back to what was processed"] = new(s => { s.Set("B3", "Bee"); s.Set("B3", "B"); }, []),
        ["edit a row, insert above and delete the last"] = new(s => { s.Set("B3", "Bee"); s.Insert(2, Row("x")); s.Delete(5); }, ["x", "b"]),
        ["keyColumns: edit a row in the middle (ignored by default)"] =
            new(s => s.Set("B3", "Bee"), [], Source: new JObject { ["keyColumns"] = new JArray("Email") }),
        ["keyColumns: edit the last row (ignored by default)"] =
            new(s => s.Set("B4", "Cee"), [], Source: new JObject { ["keyColumns"] = new JArray("Email") }),
        ["keyColumns + editedRows process: edit a row in the middle"] =
            new(s => s.Set("B3", "Bee"), ["b"], Source: new JObject { ["keyColumns"] = new JArray("Email"), ["editedRows"] = "process" }),
        ["keyColumns + editedRows process: edit the last row"] =
            new(s => s.Set("B4", "Cee"), ["c"], Source: new JObject { ["keyColumns"] = new JArray("Email"), ["editedRows"] = "process" }),
        ["keyColumns: reorder the columns"] =
            new(s => s.MoveColumn(1, 3), [], Source: new JObject { ["keyColumns"] = new JArray("Email") }),
        ["sort the rows"] = new(s => s.Sort(1, descending: true), []),
        ["sort the rows, then append"] = new(s => { s.Sort(2, descending: true); s.Append(Row("d")); }, ["d"]),
        ["blank rows inserted and appended"] = new(s => { s.Insert(3, []); s.Append(["", "", "", ""]); s.Append(Row("d")); }, ["d"]),
        ["a half-filled row filled in later"] =
            new(s => s.Set("A3", Email("b")), ["b"], Rows: [Row("a"), ["", "B", "", "en"], Row("c")], First: ["a", "c"]),
        ["a half-filled row filled in, while rows move above it"] =
            new(s => { s.Set("A3", Email("b")); s.Insert(2, Row("x")); s.Delete(3); }, ["x", "b"], Rows: [Row("a"), ["", "B", "", "en"], Row("c")], First: ["a", "c"]),
        ["identical rows are one row"] = new(s => s.Append(Row("a")), [], Rows: [Row("a"), Row("a")], First: ["a"]),
        ["existingRows skip, then insert above"] =
            new(s => s.Insert(2, Row("x")), ["x"], First: [], Source: new JObject { ["existingRows"] = "skip" }),
        ["existingRows skip, then edit and append"] =
            new(s => { s.Set("B3", "Bee"); s.Append(Row("d")); }, ["b", "d"], First: [], Source: new JObject { ["existingRows"] = "skip" }),
    };

    public static TheoryData<string> Cases => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ASheetEdit_IsFollowedByExactlyTheRowsItShould(string edit)
    {
        var @case = Table[edit];
        await _bed.WriteFlowAsync(@case.Source);
        if (@case.NoColumns) await DropColumnsAsync();
        _bed.AppendRows(@case.Rows ?? [Row("a"), Row("b"), Row("c")]);
        Assert.Equal(@case.First ?? ["a", "b", "c"], await RunAsync());

        @case.Change(new Sheet(_bed));

        Assert.Equal(@case.Then, await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task AFailingRow_IsNotAlertedAgain_AfterAColumnIsInserted()
    {
        // "xx" is not a locale HelpCrunch takes: update and create fail, the row is alerted once.
        _bed.AppendRows([Row("a"), [Email("b"), "B", "", "xx"]]);
        Assert.Equal(["a", "b"], await RunAsync());
        Assert.Single(_bed.Telegram.Received);

        new Sheet(_bed).InsertColumn(2, "Notes");

        Assert.Empty(await RunAsync());
        Assert.Single(_bed.Telegram.Received);
    }

    [Fact]
    public async Task AColumnTheFlowUses_Renamed_StopsTheRun_NamingIt_AndRenamedBack_RepeatsNothing()
    {
        _bed.AppendRows([Row("a")]);
        Assert.Equal(["a"], await RunAsync());
        var sheet = new Sheet(_bed);
        sheet.Set("B1", "Full name");
        sheet.Append(Row("b"));

        var (exit, text) = await _bed.RunAsync();

        Assert.Equal(2, exit);
        Assert.Contains("'Name'", text, StringComparison.Ordinal);
        Assert.Single(_bed.HelpCrunch.Contacts);
        sheet.Set("B1", "Name");
        Assert.Equal(["b"], await RunAsync());
    }

    [Fact]
    public async Task ARowEditedWhileHeld_IsProcessedWithItsNewData_Once()
    {
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0, ["maxAttempts"] = 1 });
        _bed.AppendRows([Row("a")]);
        _bed.HelpCrunch.Faults.FailNext(RulesEngine.Emulation.Fault.Status(500), "/customers/search");
        Assert.Equal(["a"], await RunAsync());
        Assert.Empty(_bed.HelpCrunch.Contacts); // held: the update had no answer, so nothing was created

        new Sheet(_bed).Set("B2", "Ann Lee");

        Assert.Equal(["a"], await RunAsync());
        Assert.Equal("Ann Lee", Assert.Single(_bed.HelpCrunch.Contacts).Value<string>("name"));
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_ARowEditedWhileHeld_ContinuesAsTheSameRow_WithItsNewData()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("Email") });
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0, ["maxAttempts"] = 1 });
        _bed.AppendRows([Row("a")]);
        _bed.HelpCrunch.Faults.FailNext(RulesEngine.Emulation.Fault.Status(500), "/customers/search");
        Assert.Equal(["a"], await RunAsync());

        new Sheet(_bed).Set("B2", "Ann Lee");

        Assert.Equal(["a"], await RunAsync());
        Assert.Equal("Ann Lee", Assert.Single(_bed.HelpCrunch.Contacts).Value<string>("name"));
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_RowsAlikeButForTheKey_AreBothProcessed()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("UserId") });
        _bed.AppendRows([[Email("a"), "A", "u-1", "en"], [Email("b"), "A", "u-2", "en"], [Email("c"), "C", "u-1", "en"]]);
        Assert.Equal(["a", "b"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    [Fact]
    public async Task WithKeyColumns_AKeyColumnMissingFromTheHeader_StopsTheRun_NamingIt()
    {
        await _bed.WriteFlowAsync(new JObject { ["keyColumns"] = new JArray("Email") });
        _bed.AppendRows([Row("a")]);
        new Sheet(_bed).Set("A1", "E-mail");
        var (exit, text) = await _bed.RunAsync();
        Assert.Equal(2, exit);
        Assert.Contains("'Email' (a key column", text, StringComparison.Ordinal);
        Assert.Empty(_bed.HelpCrunch.Received);
    }

    private static string Email(string name) => $"{name}@example.com";

    private static string[] Row(string name) => [Email(name), name.ToUpperInvariant(), "", "en"];

    /// <summary>The flow as written by the test bed, without "columns": rows are then known by every named cell, and
    /// templates name columns as <c>Row["Email"]</c>.</summary>
    private async Task DropColumnsAsync()
    {
        var flow = JObject.Parse(await File.ReadAllTextAsync(_bed.FlowPath));
        ((JObject)flow["source"]!).Remove("columns");
        foreach (var text in flow.Descendants().OfType<JValue>().Where(v => v.Type == JTokenType.String))
            text.Value = Placeholder().Replace((string)text.Value!, m => $"{{Row[\"{m.Groups[1].Value}\"]}}");
        await File.WriteAllTextAsync(_bed.FlowPath, flow.ToString());
    }

    [GeneratedRegex(@"\{(Email|Name|UserId|Locale)\}")]
    private static partial Regex Placeholder();

    /// <summary>Runs the flow; returns the rows it sent anything about (to HelpCrunch or Telegram), in order of first
    /// mention: the services are the witnesses, not the program's own report.</summary>
    private async Task<List<string>> RunAsync()
    {
        var (helpCrunch, telegram) = (_bed.HelpCrunch.Received.Count, _bed.Telegram.Received.Count);
        var (exit, text) = await _bed.RunAsync();
        Assert.True(exit == 0, text);
        var sent = _bed.HelpCrunch.Received.Skip(helpCrunch).Concat(_bed.Telegram.Received.Skip(telegram)).OrderBy(r => r.ReceivedAt);
        return [.. sent.SelectMany(r => RowEmail().Matches(r.Path + " " + r.Query + " " + r.Body)).Select(m => m.Groups["name"].Value).Distinct()];
    }

    [GeneratedRegex(@"(?<name>[a-z]+)@example\.com")]
    private static partial Regex RowEmail();

    /// <summary>The test tab, edited the way a person does in the Sheets UI.</summary>
    internal sealed class Sheet(TestBed bed)
    {
        public void Insert(int row, string[] cells) => bed.Sheets.InsertRow(TestBed.SpreadsheetId, TestBed.Sheet, row, cells);
        public void Append(string[] cells) => bed.Sheets.AppendRow(TestBed.SpreadsheetId, TestBed.Sheet, cells);
        public void Delete(int row) => bed.Sheets.DeleteRow(TestBed.SpreadsheetId, TestBed.Sheet, row);
        public void Set(string cell, string value) => bed.Sheets.SetCell(TestBed.SpreadsheetId, TestBed.Sheet, cell, value);
        public void InsertColumn(int column, string header) => bed.Sheets.InsertColumn(TestBed.SpreadsheetId, TestBed.Sheet, column, header);
        public void MoveColumn(int from, int to) => bed.Sheets.MoveColumn(TestBed.SpreadsheetId, TestBed.Sheet, from, to);
        public void Sort(int column, bool descending) => bed.Sheets.SortRows(TestBed.SpreadsheetId, TestBed.Sheet, column, descending);
    }
}
