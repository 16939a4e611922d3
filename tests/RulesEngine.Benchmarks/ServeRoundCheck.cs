using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.Telegram.Emulator;

namespace RulesEngine.Benchmarks;

/// <summary>
/// Whether a round of <c>canonical N --serve</c> had exactly its effects, row by row: an update row's contact (one, the
/// seeded one) and a new row's contact (one, created in this round) carry every cell of the row; an alert row has no
/// contact and exactly one Telegram alert naming it; the round created exactly its new rows and sent exactly its
/// alerts; the daemon's run took every row and held none. Returns what is wrong, empty when nothing is.
/// </summary>
internal static partial class ServeRoundCheck
{
    private const int ListedAtMost = 10;

    public static IReadOnlyList<string> Problems(int first, int rows, ServeDaemon.RunSummary run, IReadOnlyList<JObject> contacts,
        IReadOnlyList<TelegramSentMessage> alertsOfRound, int createsOfRound)
    {
        var problems = new List<string>();
        if (run.Failed) problems.Add($"the run failed: {run.Message}");
        if (run.Rows != rows || run.Held != 0) problems.Add($"the run took {run.Rows} rows ({run.Held} held), not {rows} (none held): {run.Message}");

        var byEmail = contacts.ToLookup(c => (string?)c["email"] ?? "", StringComparer.Ordinal);
        var alerted = alertsOfRound.Select(m => AlertedEmail().Match(m.Text)).Where(m => m.Success)
            .GroupBy(m => m.Groups[1].Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int expectedCreates = 0, expectedAlerts = 0;
        var wrongRows = new List<string>();
        for (var i = first; i < first + rows; i++)
        {
            var cells = CanonicalBench.Cells(i);
            var found = byEmail[cells[0]].ToList();
            var alerts = alerted.GetValueOrDefault(cells[0]);
            var kind = CanonicalBench.KindOf(i);
            if (kind == CanonicalBench.RowKind.Alert)
            {
                expectedAlerts++;
                if (found.Count != 0 || alerts != 1) wrongRows.Add($"{cells[0]} (fails both ways): {found.Count} contacts, {alerts} alerts (expected 0 and 1)");
                continue;
            }
            if (kind == CanonicalBench.RowKind.Create) expectedCreates++;
            if (found.Count != 1 || alerts != 0 || !Carries(found[0], cells))
                wrongRows.Add($"{cells[0]} ({kind.ToString().ToLowerInvariant()}): {found.Count} contacts ({string.Join("; ", found.Select(Describe))}), {alerts} alerts; " +
                    $"expected one contact with name '{cells[1]}', phone '{cells[2]}', company '{cells[3]}', locale '{cells[4]}' and no alert");
        }
        if (wrongRows.Count > 0)
            problems.Add($"{wrongRows.Count} rows without their effect, e.g.:\n    " + string.Join("\n    ", wrongRows.Take(ListedAtMost)));
        if (createsOfRound != expectedCreates) problems.Add($"{createsOfRound} contacts created (POST /customers), expected {expectedCreates}");
        if (alertsOfRound.Count != expectedAlerts) problems.Add($"{alertsOfRound.Count} Telegram messages, expected {expectedAlerts}");
        return problems;
    }

    private static bool Carries(JObject contact, string[] cells) =>
        (string?)contact["name"] == cells[1] && (string?)contact["phone"] == cells[2] && (string?)contact["company"] == cells[3] && (string?)contact["locale"] == cells[4];

    private static string Describe(JObject c) => $"name '{c["name"]}', phone '{c["phone"]}', company '{c["company"]}', locale '{c["locale"]}'";

    /// <summary>The flow's alert text: "Row {Row.Number}: {Email}, {Name}, ...".</summary>
    [GeneratedRegex(@"Row \d+: ([^,\s]+),")]
    private static partial Regex AlertedEmail();
}
