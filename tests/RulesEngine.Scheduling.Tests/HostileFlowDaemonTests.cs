using RulesEngine.Cli.Demo;
using RulesEngine.Core.State;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Issue 10, item 1: a real <c>rulesengine serve</c> with one hostile flow and one healthy flow. The hostile flow's
/// expressions nest lazy sequences 100,000 deep on some rows (before the guards: "Stack overflow.", SIGABRT, the
/// daemon and every flow gone, crash-looping under systemd). Now those rows fail with an error, the hostile flow goes
/// on to its later rows, and the healthy flow keeps running.
/// </summary>
[Trait("Category", "Slow")] // real processes (the daemon) (CONTRIBUTING.md)
public sealed class HostileFlowDaemonTests : IAsyncLifetime
{
    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789hst";
    private static readonly TimeSpan Patience = DaemonBed.Patience;

    private DaemonBed _bed = null!;

    private EmulatedServices Services => _bed.Services;
    private string Rules => _bed.Rules;
    private string State => _bed.State;

    public async Task InitializeAsync()
    {
        _bed = await DaemonBed.StartAsync("hostile");
        Services.Sheets.AddSheet(Spreadsheet, "Contacts", [["Email", "Name"], ["anna@example.com", "Anna"], ["ben@example.com", "Ben"]]);
        Services.Sheets.AddSheet(Spreadsheet, "Hostile",
            [["Email", "Name"], ["r2@example.com", "R2"], ["r3@example.com", "R3"], ["r4@example.com", "R4"], ["r5@example.com", "R5"]]);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Serve_HostileRowsFailAlone_TheHealthyFlowKeepsRunning()
    {
        await File.WriteAllTextAsync(Path.Combine(Rules, "contacts.json"), HealthyFlow);
        await File.WriteAllTextAsync(Path.Combine(Rules, "hostile.json"), HostileFlow);
        using var daemon = DaemonProcess.Start(_bed.Serve());

        // The hostile flow went past its hostile rows: rows 2 and 5 were announced.
        await daemon.WaitUntilAsync(() => Messages().Count == 2, Patience, "the hostile flow's healthy rows");
        Assert.Equal(["hello r2@example.com", "hello r5@example.com"], Messages().Order());
        // The healthy flow runs every second, before and after the hostile rows.
        await daemon.WaitUntilAsync(() => Services.HelpCrunch.Contacts.Count == 2, Patience, "the healthy flow");
        Services.Sheets.AppendRow(Spreadsheet, "Contacts", "chloe@example.com", "Chloe");
        await daemon.WaitUntilAsync(() => Services.HelpCrunch.Contacts.Count == 3, Patience, "the healthy flow's next row");

        daemon.Terminate();
        var exit = await daemon.WaitForExitAsync(Patience);
        Assert.True(exit == 0, $"exit code {exit}:\n{string.Join("\n", daemon.Lines.TakeLast(15))}");

        using var store = new SqliteStateStore(State);
        var rows = store.ListRuns("hostile", 1000).SelectMany(r => store.ListRows(r.Id)).ToDictionary(r => r.Number);
        // row 3: the template of the message step (the step failed, the row went on); row 4: the If's condition
        Assert.Contains(rows[3].Steps, s => s.StepId == "announce" && s.Result == 0 && s.Error.Contains("nests too deeply", StringComparison.Ordinal));
        Assert.Equal(RowStatus.Error, rows[4].Status);
        Assert.Contains("ifNotFour:", rows[4].Error, StringComparison.Ordinal);
        Assert.Contains("nests too deeply", rows[4].Error, StringComparison.Ordinal);
    }

    private List<string> Messages() => Services.Telegram.SentMessages.Select(m => m.Text).ToList();

    private const string HealthyFlow = $$"""
        {
          "name": "contacts",
          "triggers": { "interval": 1 },
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Contacts", "columns": ["Email", "Name"] },
          "steps": [ { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "fields": { "email": "{Email}", "name": "{Name}" } } ]
        }
        """;

    private const string HostileFlow = $$"""
        {
          "name": "hostile",
          "triggers": { "interval": 1 },
          "batchSize": 1,
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Hostile", "columns": ["Email", "Name"] },
          "steps": [
            { "id": "ifNotFour", "type": "if",
              "condition": "Row.Number != 4 || Enumerable.Range(0, 100000).Aggregate(Enumerable.Empty<int>(), (acc, i) => acc.OrderBy(x => x)).Count() == 0",
              "then": [
                { "id": "announce", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-1001234567890",
                  "text": "hello {Row.Number == 3 ? Enumerable.Range(0, 100000).Aggregate(Row.Fields.Values, (acc, i) => acc.Distinct()).Count().ToString() : Email}" } ] }
          ]
        }
        """;
}
