using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Demo;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// The daemon as operators run it: a real <c>rulesengine serve</c> process against the emulators of the three
/// services, flow files in a folder, a state file, signals. These wait on real time (a second-long interval).
/// </summary>
[Trait("Category", "Slow")] // real processes (the daemon) (CONTRIBUTING.md)
public sealed class DaemonProcessTests : IAsyncLifetime
{
    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789e2e";
    private static readonly TimeSpan Patience = DaemonBed.Patience;

    private DaemonBed _bed = null!;

    private EmulatedServices Services => _bed.Services;
    private string Rules => _bed.Rules;
    private string State => _bed.State;

    public async Task InitializeAsync()
    {
        _bed = await DaemonBed.StartAsync("daemon");
        Services.Sheets.AddSheet(Spreadsheet, "Contacts", [["Email", "Name"], ["anna@example.com", "Anna"], ["ben@example.com", "Ben"]]);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private string[] Serve(string stopTimeout = "20") => _bed.Serve(stopTimeout);

    [Fact]
    public async Task Serve_RunsAnIntervalFlow_ThenItsChainedFlow_AndPicksUpAnEditedFile()
    {
        await File.WriteAllTextAsync(Path.Combine(Rules, "contacts.json"), ContactsFlow());
        await File.WriteAllTextAsync(Path.Combine(Rules, "notify.json"), NotifyFlow("new contact"));
        using var daemon = DaemonProcess.Start(Serve());
        await daemon.WaitForLineAsync("New state file " + State + " (--create-state)", Patience); // said, not silent

        // The interval flow creates both contacts; the chained flow announces each of them once.
        await daemon.WaitUntilAsync(() => Services.HelpCrunch.Contacts.Count == 2, Patience, "the contacts flow");
        await daemon.WaitUntilAsync(() => Messages().Count == 2, Patience, "the chained notify flow");
        Assert.Equal(["new contact anna@example.com", "new contact ben@example.com"], Messages().Order());

        // Edit the chained flow: the running daemon reloads it; the next row gets the new text.
        await File.WriteAllTextAsync(Path.Combine(Rules, "notify.json"), NotifyFlow("welcome"));
        await daemon.WaitForLineAsync("Reloaded notify", Patience);
        Services.Sheets.AppendRow(Spreadsheet, "Contacts", "chloe@example.com", "Chloe");
        await daemon.WaitUntilAsync(() => Messages().Count == 3, Patience, "the edited flow's message");
        Assert.Contains("welcome chloe@example.com", Messages());

        // The interval flow ran every second; structured logs carry the flow and the run.
        await daemon.WaitUntilAsync(() => daemon.Lines.Count(l => l.Contains("Starting contacts (schedule)", StringComparison.Ordinal)) >= 3,
            Patience, "the one-second flow's third scheduled start");
        var runLine = JObject.Parse(daemon.Lines.First(l => l.Contains("\"Run ", StringComparison.Ordinal) && l.Contains("completed", StringComparison.Ordinal)));
        Assert.Equal("RulesEngine.Runs", runLine.Value<string>("category"));
        Assert.False(string.IsNullOrEmpty(runLine["scopes"]?.Value<string>("flow")), runLine.ToString());

        daemon.Terminate();
        var exit = await daemon.WaitForExitAsync(Patience);
        Assert.True(exit == 0, $"exit code {exit}:\n{string.Join("\n", daemon.Lines.TakeLast(15))}");
    }

    [Fact]
    public async Task Sigterm_InTheMiddleOfARun_FinishesTheCallInFlight_ExitsZero_AndLosesNothing()
    {
        for (var i = 0; i < 4; i++) Services.Sheets.AppendRow(Spreadsheet, "Contacts", $"row{i}@example.com", $"Row {i}");
        Services.Telegram.Faults.FailRandomly(1.0, 7, RulesEngine.Emulation.Fault.Slow(TimeSpan.FromMilliseconds(700)));
        var flowFile = Path.Combine(Rules, "notify.json");
        await File.WriteAllTextAsync(flowFile, NotifyFlow("hello", triggers: """{"interval": 3600}"""));
        using var daemon = DaemonProcess.Start(Serve());

        await daemon.WaitUntilAsync(() => Messages().Count >= 1, Patience, "the first message of the run");
        daemon.Terminate();
        var exit = await daemon.WaitForExitAsync(Patience);
        Assert.True(exit == 0, $"exit code {exit}:\n{string.Join("\n", daemon.Lines.TakeLast(15))}");
        var sentBeforeStop = Messages().Count;
        Assert.InRange(sentBeforeStop, 1, 5); // the stop did not wait for the rest of the run (no wall-clock bound: it flaked under load)
        Assert.Contains(daemon.Lines, l => l.Contains("held", StringComparison.Ordinal));

        // The next run (a force run from another process) sends exactly the rows the stopped run did not reach.
        var (code, lines) = await DaemonProcess.RunAsync(Patience, "run", flowFile, "--connections", Services.ConnectionsPath, "--state", State);
        Assert.True(code == 0, string.Join("\n", lines));
        var all = Messages();
        Assert.Equal(6, all.Count);
        Assert.Equal(6, all.Distinct().Count());
    }

    [Fact]
    public async Task SecondSignal_StopsAtOnce_EvenInTheMiddleOfASlowCall()
    {
        // The call and the stop bound both outlast the test's patience: only the second signal can end the daemon in
        // time, so no wall-clock bound is needed (one flaked under load).
        Services.Telegram.Faults.FailRandomly(1.0, 7, RulesEngine.Emulation.Fault.Slow(TimeSpan.FromMinutes(10)));
        await File.WriteAllTextAsync(Path.Combine(Rules, "notify.json"), NotifyFlow("hello", triggers: """{"interval": 3600}"""));
        using var daemon = DaemonProcess.Start(Serve(stopTimeout: "3600"));
        await daemon.WaitForLineAsync("Starting notify", Patience);
        await daemon.WaitUntilAsync(() => Services.Telegram.Received.Count > 0, Patience, "the slow call");

        daemon.Terminate();
        await daemon.WaitForLineAsync("Stopping: waiting", Patience);
        daemon.Terminate();
        Assert.Equal(130, await daemon.WaitForExitAsync(Patience));
    }

    private List<string> Messages() => Services.Telegram.SentMessages.Select(m => m.Text).ToList();

    private static string ContactsFlow() => $$"""
        {
          "name": "contacts",
          "triggers": { "interval": 1 },
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Contacts", "columns": ["Email", "Name"] },
          "steps": [ { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "fields": { "email": "{Email}", "name": "{Name}" } } ]
        }
        """;

    private static string NotifyFlow(string greeting, string triggers = """{"after": [{"flow": "contacts", "on": "success"}]}""") => $$"""
        {
          "name": "notify",
          "triggers": {{triggers}},
          "batchSize": 1,
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Contacts", "columns": ["Email", "Name"] },
          "steps": [ { "id": "announce", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-1001234567890", "text": "{{greeting}} {Email}" } ]
        }
        """;
}
