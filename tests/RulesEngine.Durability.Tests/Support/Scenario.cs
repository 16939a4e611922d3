using Newtonsoft.Json.Linq;

namespace RulesEngine.Durability.Tests.Support;

/// <summary>
/// Rows that take each path of the canonical flow, a third each: the contact exists (update), it does not (create),
/// or its userId belongs to someone else (create refused → Telegram alert). Emails are unique per row.
/// </summary>
internal static class Scenario
{
    public enum Path { Update, Create, Alert }

    public static Path PathOf(int i) => (Path)(i % 3);

    public static string EmailOf(int i) => PathOf(i) switch
    {
        Path.Update => $"known{i}@example.com",
        Path.Create => $"new{i}@example.com",
        _ => $"clash{i}@example.com",
    };

    /// <summary>Seeds HelpCrunch and returns the rows to put in the sheet.</summary>
    public static List<string[]> Build(TestBed bed, int count, int first = 0)
    {
        var rows = new List<string[]>();
        for (var i = first; i < first + count; i++)
        {
            var email = EmailOf(i);
            switch (PathOf(i))
            {
                case Path.Update:
                    bed.HelpCrunch.AddContact(email, name: "Old name", userId: $"u{i}");
                    break;
                case Path.Alert:
                    bed.HelpCrunch.AddContact(new JObject { ["email"] = $"owner{i}@elsewhere.com", ["userId"] = $"u{i}" });
                    break;
            }
            rows.Add([email, $"Person {i}", $"u{i}", "en"]);
        }
        return rows;
    }

    /// <summary>What the emulators recorded, checked against the promise: every row's effect happened exactly once.</summary>
    /// <param name="AlertsResent">Alerts sent again after an attempt whose delivery was unknown (output resent=1):
    /// the only ones allowed to be duplicates under at-least-once delivery.</param>
    public sealed record Tally(int Rows, int Lost, int DuplicateContacts, int DuplicateAlerts, int AlertsSent, int AlertsUnknown, int Updated, int AlertsResent = 0);

    public static Tally Check(TestBed bed, int count, IReadOnlyDictionary<string, Core.State.RowRecord> latest)
    {
        var contacts = bed.HelpCrunch.Contacts;
        var byEmail = contacts.GroupBy(c => c.Value<string>("email") ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var messages = bed.Telegram.SentMessages;
        int lost = 0, duplicateContacts = 0, duplicateAlerts = 0, alertsSent = 0, alertsUnknown = 0, updated = 0, alertsResent = 0;
        var rowsByEmail = latest.Values.GroupBy(r => r.Fields.GetValueOrDefault("Email", "")).ToDictionary(g => g.Key, g => g.Last());
        for (var i = 0; i < count; i++)
        {
            var email = EmailOf(i);
            var matching = byEmail.GetValueOrDefault(email) ?? [];
            if (!rowsByEmail.TryGetValue(email, out var row) || row.LatestStatus is not Core.State.RowStatus.Done) lost++;
            switch (PathOf(i))
            {
                case Path.Update:
                    if (matching.Count != 1) duplicateContacts += Math.Max(0, matching.Count - 1);
                    if (matching.FirstOrDefault()?.Value<string>("name") == $"Person {i}") updated++;
                    else lost++;
                    break;
                case Path.Create:
                    if (matching.Count == 0) lost++;
                    duplicateContacts += Math.Max(0, matching.Count - 1);
                    break;
                case Path.Alert:
                    duplicateContacts += matching.Count; // the clash must never create a contact
                    var alerts = messages.Count(m => m.Text.Contains(email + " ", StringComparison.Ordinal));
                    if (alerts > 1) duplicateAlerts += alerts - 1;
                    if (row?.Steps.FirstOrDefault(s => s.StepId == "alert") is { } sent && sent.Output.ContainsKey("resent")) alertsResent++;
                    if (alerts >= 1) alertsSent++;
                    else if (row?.Steps.FirstOrDefault(s => s.StepId == "alert") is { } step && step.Output.ContainsKey("deliveryUnknown")) alertsUnknown++;
                    else lost++;
                    break;
            }
        }
        return new Tally(count, lost, duplicateContacts, duplicateAlerts, alertsSent, alertsUnknown, updated, alertsResent);
    }
}
