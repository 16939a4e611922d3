using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Emulation;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The canonical flow run by <c>run</c> in batches of 10 (one HelpCrunch OR search and one batch update per batch, the
/// journal written once per batch and step) and one row at a time (batchSize 1) on the same random sheet, with random
/// transient HelpCrunch faults (429, 500) that the client retries: every row's recorded answers and the contacts and
/// alerts the services end with are the same. Seeds are a fixed list, so a failure repeats.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class BatchedPathTests
{
    public static TheoryData<int> Seeds => new() { 1, 7, 42, 1234 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task BatchedAndRowByRow_RecordTheSameAnswers_AndLeaveTheSameContactsAndAlerts(int seed)
    {
        var batched = await RunAsync(seed, batchSize: 10);
        var rowByRow = await RunAsync(seed, batchSize: 1);

        Assert.Equal(rowByRow.Journal, batched.Journal);
        Assert.Equal(rowByRow.Contacts, batched.Contacts);
        Assert.Equal(rowByRow.Alerts, batched.Alerts);
        // It was batched, and the faults did happen.
        Assert.True(batched.HelpCrunchRequests < rowByRow.HelpCrunchRequests, $"{batched.HelpCrunchRequests} requests batched, {rowByRow.HelpCrunchRequests} row by row");
        Assert.True(batched.Faults > 0 && rowByRow.Faults > 0, $"faults: {batched.Faults} batched, {rowByRow.Faults} row by row");
    }

    private sealed record Outcome(List<string> Journal, List<string> Contacts, List<string> Alerts, int HelpCrunchRequests, int Faults);

    /// <summary>Rows of four kinds: an existing contact (some of them twice in HelpCrunch), a new one, one whose locale
    /// HelpCrunch rejects (update and create fail: an alert), one with no email cell (the source skips it).</summary>
    private static (List<string[]> Rows, List<(string Email, string Name)> Contacts) RandomSheet(int seed)
    {
        var random = new Random(seed);
        var rows = new List<string[]>();
        var contacts = new List<(string, string)>();
        var count = random.Next(15, 40);
        for (var i = 0; i < count; i++)
        {
            var email = $"p{i}@example.com";
            string[] row = [email, $"Person {i}", $"+1415555{i:D4}", $"Company {i % 3}", "en"];
            switch (random.Next(10))
            {
                case < 5:
                    contacts.Add((email, $"Old {i}"));
                    if (random.Next(4) == 0) contacts.Add((email, $"Older {i}"));
                    break;
                case < 7:
                    break; // new: created
                case < 9:
                    row[4] = "xx"; // rejected value: update and create fail, an alert is sent
                    if (random.Next(2) == 0) contacts.Add((email, $"Old {i}"));
                    break;
                default:
                    row[0] = ""; // not taken: Email is required
                    break;
            }
            rows.Add(row);
        }
        return (rows, contacts);
    }

    private static async Task<Outcome> RunAsync(int seed, int batchSize)
    {
        var (rows, contacts) = RandomSheet(seed);
        await using var sandbox = await Sandbox.StartAsync([.. rows]);
        foreach (var (email, name) in contacts) sandbox.Services.HelpCrunch.AddContact(email, name);
        var connections = JObject.Parse(await File.ReadAllTextAsync(sandbox.ConnectionsPath));
        connections["helpcrunch"]!["requestsPerMinute"] = 0;
        connections["helpcrunch"]!["retryDelaySeconds"] = 0.01;
        connections["helpcrunch"]!["maxAttempts"] = 8;
        connections["telegram"]!["perChatIntervalSeconds"] = 0;
        await File.WriteAllTextAsync(sandbox.ConnectionsPath, connections.ToString());
        var flow = JObject.Parse(await File.ReadAllTextAsync(Repo.CanonicalFlow));
        flow["batchSize"] = batchSize;
        flow.Remove("$schema");
        var flowPath = Path.Combine(sandbox.Directory, "helpcrunch-contacts.json");
        await File.WriteAllTextAsync(flowPath, flow.ToString());
        sandbox.Services.HelpCrunch.Faults.FailRandomly(0.2, seed, Fault.RateLimited(0), Fault.Status(500));
        sandbox.Services.HelpCrunch.Faults.FailNext(Fault.Status(500), "/customers/search"); // at least one, however few requests

        var result = await sandbox.RunAsync(flowPath);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runId = Sandbox.RunIdOf(result);
        return new Outcome(
            Journal(sandbox.StatePath),
            [.. sandbox.Services.HelpCrunch.Contacts.Select(c => string.Join(" | ",
                new[] { "id", "email", "name", "phone", "company", "locale", "tags" }.Select(k => c[k]?.ToString(Newtonsoft.Json.Formatting.None))))],
            [.. sandbox.Services.Telegram.SentMessages.Select(m => m.ChatId + ": " + m.Text.Replace(runId, "RUN", StringComparison.Ordinal))],
            sandbox.HelpCrunchReceived.Count,
            sandbox.HelpCrunchReceived.Count(r => r.FaultStatus is not null));
    }

    private static List<string> Journal(string statePath)
    {
        using var db = new SqliteConnection($"Data Source={statePath};Pooling=False");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = """
            SELECT s.item_key, s.step_id, s.result, s.error, s.output, i.status FROM steps s
            JOIN items i ON i.flow=s.flow AND i.source_key=s.source_key AND i.item_key=s.item_key
            ORDER BY s.item_key, s.step_id
            """;
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read()) lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i).ToString())));
        return lines;
    }
}
