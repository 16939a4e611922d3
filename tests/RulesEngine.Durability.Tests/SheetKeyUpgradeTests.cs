using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Durability.Tests.Support;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// A state file written before rows were known by column names (keys hashed from cells by position, position
/// <c>{row, hash, header}</c>): after the upgrade, no row is sent again, not even once a column is inserted.
/// </summary>
public sealed partial class SheetKeyUpgradeTests : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await TestBed.StartAsync();
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0 });
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task AStateFileWithPositionalKeys_SendsNothingAgain_EvenAfterAColumnIsInserted()
    {
        string[][] rows = [Row("a"), Row("b"), Row("c")];
        _bed.AppendRows(rows);
        WriteOldStateFile(rows);

        Assert.Empty(await RunAsync());
        _bed.Sheets.InsertColumn(TestBed.SpreadsheetId, TestBed.Sheet, 2, "Notes");
        Assert.Empty(await RunAsync());
        _bed.Sheets.AppendRow(TestBed.SpreadsheetId, TestBed.Sheet, "d@example.com", "", "D", "", "en");
        Assert.Equal(["d"], await RunAsync());
    }

    [Fact]
    public async Task AStateFileWithPositionalKeys_StillFindsTheRowsItHadNotRecorded()
    {
        string[][] rows = [Row("a"), Row("b"), Row("c")];
        _bed.AppendRows(rows);
        // The old version had processed a and c only (b was held, say).
        WriteOldStateFile([rows[0], rows[2]]);

        Assert.Equal(["b"], await RunAsync());
        Assert.Empty(await RunAsync());
    }

    /// <summary>What the version before 2 wrote after processing <paramref name="rows"/>: each row's key is the first 16
    /// bytes of SHA-256 over the JSON array of its cells (trailing empty cells dropped), in hex; the position anchors on
    /// the last row.</summary>
    private void WriteOldStateFile(string[][] rows)
    {
        using var store = new SqliteStateStore(_bed.StatePath);
        var sourceKey = $"{TestBed.SpreadsheetId}/{TestBed.Sheet}";
        var runId = store.BeginRun("contacts", DateTimeOffset.UtcNow);
        var sheet = _bed.Sheets.ReadSheet(TestBed.SpreadsheetId, TestBed.Sheet);
        var last = sheet.Count;
        var position = new JObject { ["row"] = last, ["hash"] = OldKey([.. sheet[^1]]), ["header"] = OldKey(TestBed.Header) }.ToString(Formatting.None);
        foreach (var row in rows)
        {
            var number = sheet.ToList().FindIndex(r => r.SequenceEqual(row)) + 1;
            var fields = TestBed.Header.Select((name, i) => (name, value: row[i])).ToDictionary(f => f.name, f => f.value);
            store.CompleteItem(runId, "contacts", sourceKey, new SourceItem(OldKey(row), number, fields, position), RowStatus.Done, 0, "", RulesEngine.Core.Running.RowAttention.None, position);
        }
        store.FinishRun(runId, RunStatus.Completed, "", DateTimeOffset.UtcNow);
    }

    private static string OldKey(IReadOnlyList<string> cells)
    {
        var length = cells.Count;
        while (length > 0 && cells[length - 1].Length == 0) length--;
        var json = JsonConvert.SerializeObject(cells.Take(length));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 16);
    }

    private static string[] Row(string name) => [$"{name}@example.com", name.ToUpperInvariant(), "", "en"];

    private async Task<List<string>> RunAsync()
    {
        var before = _bed.HelpCrunch.Received.Count;
        var (exit, text) = await _bed.RunAsync();
        Assert.True(exit == 0, text);
        return [.. _bed.HelpCrunch.Received.Skip(before).SelectMany(r => RowEmail().Matches(r.Body + " " + r.Query)).Select(m => m.Groups["name"].Value).Distinct()];
    }

    [GeneratedRegex(@"(?<name>[a-z]+)@example\.com")]
    private static partial Regex RowEmail();
}
