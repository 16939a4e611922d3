using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Core.State;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Durability.Tests.Postgres;

/// <summary><c>state copy</c> from the SQLite file to PostgreSQL: the history comes along and no row runs twice.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StateCopyTests(PostgresServer server) : IAsyncLifetime
{
    private TestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await TestBed.StartAsync();
        await _bed.WriteConnectionsAsync(
            helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000 });
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task ARunAfterCopyingToPostgres_ProcessesNoRowAgain_AndTheHistoryCameAlong()
    {
        _bed.AppendRows(Scenario.Build(_bed, 9));
        var (firstExit, firstText) = await _bed.RunAsync();
        Assert.True(firstExit == 0, firstText);
        _bed.Sheets.AppendRow(TestBed.SpreadsheetId, TestBed.Sheet, [Scenario.EmailOf(9) + ".held", "Held", "u-held", "en"]);
        var requestsBefore = _bed.HelpCrunch.Received.Count;
        var target = server.Url(await server.CreateDatabaseAsync("copy"));

        var (copyExit, copyText) = await _bed.CliAsync("state", "copy", "--from", _bed.StatePath, "--to", target, "--json");

        Assert.True(copyExit == 0, copyText);
        Assert.DoesNotContain(server.Password, copyText);
        var document = JObject.Parse(copyText);
        Assert.Equal(["from", "to", "copied"], document.Properties().Select(p => p.Name));
        var copied = (JObject)document["copied"]!;
        Assert.Equal(["runs", "runItems", "items", "steps", "inFlight", "positions", "flowSwitches"], copied.Properties().Select(p => p.Name));
        Assert.Equal(1, copied.Value<int>("runs"));
        Assert.Equal(9, copied.Value<int>("runItems"));
        Assert.True(copied.Value<int>("positions") >= 1);
        Assert.Equal(0, copied.Value<int>("inFlight"));

        // The sheet grows; the run on PostgreSQL takes the new rows only.
        _bed.AppendRows(Scenario.Build(_bed, 3, first: 100));
        var (exit, text) = await PostgresBed.RunAsync(_bed, target);

        Assert.True(exit == 0, text);
        var asked = _bed.HelpCrunch.Received.Skip(requestsBefore).Select(r => Uri.UnescapeDataString(r.Query) + r.Body).ToList();
        Assert.NotEmpty(asked);
        for (var i = 0; i < 9; i++) Assert.DoesNotContain(asked, request => request.Contains(Scenario.EmailOf(i), StringComparison.Ordinal));
        var latest = PostgresBed.LatestRows(target);
        Assert.Equal(13, latest.Count); // 9 copied, the extra row, 3 new
        using var store = StateStores.Open(target);
        Assert.Equal(2, store.ListRuns("contacts", 10).Count);
        var tally = Scenario.Check(_bed, 9, latest);
        Assert.Equal((0, 0), (tally.Lost, tally.DuplicateContacts));
    }

    [Fact]
    public async Task ANonEmptyTargetIsRefused_UnlessForced_AndACopyBackKeepsEveryRow()
    {
        _bed.AppendRows(Scenario.Build(_bed, 6));
        Assert.Equal(0, (await _bed.RunAsync()).Exit);
        using (var store = new SqliteStateStore(_bed.StatePath)) store.SetEnabled("contacts", false, DateTimeOffset.UtcNow);
        var target = server.Url(await server.CreateDatabaseAsync("refuse"));
        Assert.Equal(0, (await _bed.CliAsync("state", "copy", "--from", _bed.StatePath, "--to", target)).Exit);

        var (again, refusal) = await _bed.CliAsync("state", "copy", "--from", _bed.StatePath, "--to", target);

        Assert.Equal(1, again);
        Assert.Contains("already holds a state", refusal);
        Assert.Contains("--force", refusal);
        Assert.DoesNotContain(server.Password, refusal);
        Assert.Equal(0, (await _bed.CliAsync("state", "copy", "--from", _bed.StatePath, "--to", target, "--force")).Exit);

        // PostgreSQL back to a new SQLite file: the same rows, table by table, value by value.
        var back = Path.Combine(_bed.Directory, "back", "rulesengine.db");
        Assert.Equal(0, (await _bed.CliAsync("state", "copy", "--from", target, "--to", back)).Exit);
        Assert.Equal(Export(_bed.StatePath), Export(back));
        using var copy = StateStores.Open(back);
        Assert.False(copy.IsEnabled("contacts"));
    }

    [Fact]
    public async Task AMissingSourceIsRefusedAndNothingIsCreated()
    {
        var missing = Path.Combine(_bed.Directory, "nowhere", "rulesengine.db");
        var target = Path.Combine(_bed.Directory, "target.db");

        var (exit, text) = await _bed.CliAsync("state", "copy", "--from", missing, "--to", target);

        Assert.Equal(1, exit);
        Assert.Contains("no state file at", text);
        Assert.False(File.Exists(missing));
        Assert.False(File.Exists(target));
    }

    /// <summary>Every table's rows as text, in key order (times to the microsecond: what PostgreSQL keeps).</summary>
    private static List<string> Export(string state)
    {
        using var store = StateStores.Open(state);
        var rows = new List<string>();
        ((IStateTransfer)store).Export((table, batch) => rows.AddRange(batch.Select(row => table.Name + ": " + string.Join(" | ", row.Select(v => v switch
        {
            DateTimeOffset time => time.UtcTicks / 10 * 10 + "",
            _ => v?.ToString() ?? "null",
        })))));
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
