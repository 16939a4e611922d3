using System.Globalization;
using System.Text.RegularExpressions;
using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// <c>serve</c> nodes as operators run them on a PostgreSQL state (issue 14/3): real processes, a real PostgreSQL
/// server, the emulated services. These wait on real time: flows fire every second, a dead node is noticed by the
/// others after Quartz's check-in interval and threshold.
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
[Collection(PostgresCollection.Name)]
public sealed partial class ClusterProcessTests(PostgresServer postgres)
{
    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789clu";
    private static readonly TimeSpan Patience = DaemonBed.Patience;

    [Fact]
    public async Task TwoNodes_RunEachRowOnce_AndAKilledNodesFlowsGoOnOnTheOther()
    {
        await using var cluster = await ClusterDeployment.StartAsync(postgres, "twonodes");
        cluster.Services.Sheets.AddSheet(Spreadsheet, "Contacts", [["Email", "Name"], ["anna@example.com", "Anna"], ["ben@example.com", "Ben"]]);
        cluster.Deploy("notify.json", NotifyFlow("hello"), 1, 2);
        using var first = cluster.StartNode(1);
        using var second = cluster.StartNode(2);
        await first.WaitForLineAsync("Cluster node", Patience);
        await second.WaitForLineAsync("Cluster node", Patience);
        await first.WaitUntilAsync(() => Messages(cluster).Count == 2, Patience, "both rows");
        // The kill comes once the run that sent them has recorded them. A kill between a send and its record is the
        // delivery policy's case (atLeastOnce sends it again, marked resent: Durability.Tests), not this test's: seen
        // under load as a fifth message, ben's sent again by the survivor.
        await first.WaitUntilAsync(() => RowsRecorded(first, second) == 2, Patience, "both rows recorded");

        // The node that ran the flow last dies with SIGKILL; rows added afterwards are sent by the other one.
        var (victim, survivor) = Starts(first) >= Starts(second) ? (first, second) : (second, first);
        victim.KillHard();
        var survivorStarts = Starts(survivor);
        cluster.Services.Sheets.AppendRow(Spreadsheet, "Contacts", "chloe@example.com", "Chloe");
        cluster.Services.Sheets.AppendRow(Spreadsheet, "Contacts", "dan@example.com", "Dan");
        await survivor.WaitUntilAsync(() => Messages(cluster).Count == 4, Patience, "the rows added after the kill");
        Assert.True(Starts(survivor) > survivorStarts);
        Assert.Equal(["hello anna@example.com", "hello ben@example.com", "hello chloe@example.com", "hello dan@example.com"], Messages(cluster).Order());

        // The history says no two runs of the flow overlapped (an interrupted run has no end and is left out).
        using (var state = cluster.OpenState()) AssertNoOverlap(state.ListRuns("notify", 1000));
        // The password of the state URL is in no log line.
        var password = new Uri(cluster.StateUrl).UserInfo.Split(':')[1];
        Assert.DoesNotContain(first.Lines.Concat(second.Lines), l => l.Contains(Uri.UnescapeDataString(password), StringComparison.Ordinal));

        survivor.Terminate();
        Assert.Equal(0, await survivor.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Nodes_WhoseCopiesOfAFlowDiffer_SayItInTheirLogs()
    {
        await using var cluster = await ClusterDeployment.StartAsync(postgres, "differ");
        cluster.Services.Sheets.AddSheet(Spreadsheet, "Contacts", [["Email", "Name"]]);
        cluster.Deploy("notify.json", NotifyFlow("hello"), 1);
        cluster.Deploy("notify.json", NotifyFlow("welcome"), 2);
        using var first = cluster.StartNode(1);
        await first.WaitForLineAsync("Loaded notify", Patience);
        using var second = cluster.StartNode(2);

        await second.WaitForLineAsync("Flow notify differs between nodes", Patience);
        await first.WaitForLineAsync("Flow notify differs between nodes", Patience); // at its next rescan
        Assert.Single(second.Lines, l => l.Contains("differs between nodes", StringComparison.Ordinal)); // once, not every rescan
    }

    internal static void AssertNoOverlap(IReadOnlyList<RunRecord> runs)
    {
        var finished = runs.Where(r => r.FinishedAt is not null).OrderBy(r => r.StartedAt).ToList();
        for (var i = 1; i < finished.Count; i++)
            Assert.True(finished[i].StartedAt >= finished[i - 1].FinishedAt,
                $"runs {finished[i - 1].Id} ({finished[i - 1].StartedAt:O} to {finished[i - 1].FinishedAt:O}) and {finished[i].Id} (from {finished[i].StartedAt:O}) of {finished[i].Flow} overlap");
    }

    private static int RowsRecorded(params DaemonProcess[] nodes) =>
        nodes.SelectMany(n => n.Lines).Select(l => CompletedRows().Match(l)).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"of notify completed: (\d+) new rows")]
    private static partial Regex CompletedRows();

    private static int Starts(DaemonProcess node) => node.Lines.Count(l => l.Contains("Starting notify", StringComparison.Ordinal));

    private static List<string> Messages(ClusterDeployment cluster) => cluster.Services.Telegram.SentMessages.Select(m => m.Text).ToList();

    private static string NotifyFlow(string greeting) => $$"""
        {
          "name": "notify",
          "triggers": { "interval": 1 },
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Contacts", "columns": ["Email", "Name"] },
          "steps": [ { "id": "announce", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-1001234567890", "text": "{{greeting}} {Email}" } ]
        }
        """;
}
