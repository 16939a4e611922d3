using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>
/// The new rows of a read are kept as bytes (in memory, then in a nameless file) and become items when asked: each
/// item must be exactly what building it at once would have given, wherever its bytes were kept.
/// </summary>
public sealed class NewRowListTests
{
    private static readonly string[] HeaderCells = ["Name", "Email", "", "Name"];
    private const string Position = "{\"version\":2}";

    private static readonly string[][] Rows =
    [
        ["Zoë \"Z\" O'Neil", "zoe@example.com"],
        ["", "", "only the unnamed column"],
        ["Ann", "ann@example.com", "", "second Name", "beyond the header", "and further"],
        ["👍 line 1\nline 2\ttab", "\u0001 control"],
        [string.Concat(Enumerable.Repeat("long ", 3_000)), "x@example.com"],
    ];

    private static NewRowList ListOf(int memoryBytes, IEnumerable<string[]> rows)
    {
        var list = new NewRowList(new SheetHeader(HeaderCells), Position, memoryBytes) { Locale = "de-DE" };
        var number = 2;
        foreach (var cells in rows)
        {
            var raw = RawRow.Of(cells);
            list.Add($"key-{number}", number, raw, 0, raw.Count);
            number++;
        }
        return list;
    }

    private static SourceItem Expected(int index) =>
        new($"key-{index + 2}", index + 2, new SheetHeader(HeaderCells).Fields(Rows[index]), Position, "de-DE");

    [Theory]
    [InlineData(NewRowList.DefaultMemoryBytes, false)]
    [InlineData(64, true)] // every row but the one being added goes to the file
    [InlineData(12_000, true)] // the long row alone is more than memory holds
    public void Items_AreWhatBuildingThemAtOnceGives_WhereverTheirBytesAreKept(int memoryBytes, bool spills)
    {
        using var list = ListOf(memoryBytes, Rows);

        Assert.Equal(spills, list.Spilled);
        Assert.Equal(Rows.Length, list.Count);
        for (var i = 0; i < Rows.Length; i++)
        {
            var item = list[i];
            var expected = Expected(i);
            Assert.Equal(expected.Key, item.Key);
            Assert.Equal(expected.Number, item.Number);
            Assert.Equal(expected.Fields.ToList(), item.Fields.ToList());
            Assert.Equal(expected.PositionAfter, item.PositionAfter);
            Assert.Equal(expected.Locale, item.Locale);
            Assert.Equal(expected.Key, list.KeyAt(i));
        }
        // Read again, out of order: the same items.
        Assert.Equal(Expected(1).Fields.ToList(), list[1].Fields.ToList());
        Assert.Equal(Rows.Select((_, i) => $"key-{i + 2}"), list.Select(i => i.Key));
    }

    [Fact]
    public void FieldNames_AreEveryNameAnItemHas()
    {
        using var list = ListOf(64, Rows);

        var union = list.SelectMany(i => i.Fields.Keys).ToHashSet();

        Assert.Equal(union.Order(StringComparer.Ordinal), list.FieldNames.Order(StringComparer.Ordinal));
        Assert.Contains("Column E", list.FieldNames); // a cell beyond the header
    }

    [Fact]
    public void ManyRows_SpillToAFileWithNoName_ThatGoesWithTheList()
    {
        var rows = Enumerable.Range(0, 5_000).Select(i => new[] { $"Person {i}", $"p{i}@example.com", "", "", $"note {i}" }).ToList();
        var pattern = $"rulesengine-rows-{Environment.ProcessId}-*";

        var list = ListOf(32 * 1024, rows);
        try
        {
            Assert.True(list.Spilled);
            if (!OperatingSystem.IsWindows()) Assert.Empty(Directory.GetFiles(Path.GetTempPath(), pattern));
            Assert.Equal("Person 0", list[0].Fields["Name"]);
            Assert.Equal("p4999@example.com", list[4_999].Fields["Email"]);
            Assert.Equal("note 2500", list[2_500].Fields["Column E"]);
        }
        finally
        {
            list.Dispose();
        }
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), pattern));
    }

    [Fact]
    public void AnEmptyList_HasNoItems_AndKeepsNothing()
    {
        using var list = ListOf(64, []);

        Assert.Empty(list);
        Assert.False(list.Spilled);
    }
}
