using System.Diagnostics;
using RulesEngine.Scheduling.Tests.Support;
using Xunit.Abstractions;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Two real <c>serve</c> processes on one SQLite state file (issue 14/4): the second is a standby that runs nothing,
/// says which process it waits for, and takes over when the first is killed with SIGKILL.
/// </summary>
[Trait("Category", "Slow")] // real processes, a real PostgreSQL or a real browser
public sealed class StandbyDaemonTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789sby";
    private static readonly TimeSpan Patience = DaemonBed.Patience;
    private DaemonBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await DaemonBed.StartAsync("standby");
        _bed.Services.Sheets.AddSheet(Spreadsheet, "Contacts", [["Email", "Name"], ["anna@example.com", "Anna"], ["ben@example.com", "Ben"]]);
        await File.WriteAllTextAsync(Path.Combine(_bed.Rules, "contacts.json"), $$"""
            {
              "name": "contacts",
              "triggers": { "interval": 1 },
              "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "{{Spreadsheet}}", "sheet": "Contacts", "columns": ["Email", "Name"] },
              "steps": [ { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "fields": { "email": "{Email}", "name": "{Name}" } } ]
            }
            """);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task SecondServe_OnTheSameStateFile_IsAStandby_AndTakesOverWhenTheFirstIsKilled()
    {
        using var first = DaemonProcess.Start(_bed.Serve());
        await first.WaitForLineAsync("Scheduler started", Patience);
        await first.WaitUntilAsync(() => _bed.Services.HelpCrunch.Contacts.Count == 2, Patience, "the first daemon's run");

        using var second = DaemonProcess.Start(_bed.Serve());
        await second.WaitForLineAsync($"Standby: another serve daemon schedules the flows of {_bed.State} (pid {first.Id} on {Environment.MachineName}", Patience);
        // While the first lives, the second schedules nothing: several of the first's one-second runs pass meanwhile.
        var firstRuns = Starts(first);
        await first.WaitUntilAsync(() => Starts(first) >= firstRuns + 3, Patience, "three more runs of the first daemon");
        Assert.Equal(0, Starts(second));
        Assert.DoesNotContain(second.Lines, l => l.Contains("Scheduler started", StringComparison.Ordinal));

        first.KillHard();
        var killed = Stopwatch.StartNew();
        await second.WaitForLineAsync("Took over scheduling of " + _bed.State.Replace("\\", "\\\\", StringComparison.Ordinal), Patience);
        output.WriteLine($"takeover {killed.Elapsed.TotalSeconds:0.0} s after kill -9 (from the test's view, process start-up included)");
        _bed.Services.Sheets.AppendRow(Spreadsheet, "Contacts", "chloe@example.com", "Chloe");
        await second.WaitUntilAsync(() => _bed.Services.HelpCrunch.Contacts.Count == 3, Patience, "the standby's run of the new row");
        Assert.Equal(3, _bed.Services.HelpCrunch.Contacts.Select(c => c.Value<string>("email")).Distinct().Count()); // nothing created twice

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Standby_TakesOverAtOnce_WhenTheFirstStopsCleanly()
    {
        using var first = DaemonProcess.Start(_bed.Serve());
        await first.WaitForLineAsync("Scheduler started", Patience);
        using var second = DaemonProcess.Start(_bed.Serve());
        await second.WaitForLineAsync("Standby:", Patience);

        first.Terminate();
        Assert.Equal(0, await first.WaitForExitAsync(Patience));
        await second.WaitForLineAsync("Scheduler started", Patience);
        Assert.Contains(second.Lines, l => l.Contains("stopped or its lease expired", StringComparison.Ordinal));
        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Standby_WithTheSameConsolePort_WaitsInsteadOfFailing_AndServesTheConsoleOnceItTakesOver()
    {
        var listen = $"http://127.0.0.1:{FreePort()}";
        string[] serve = [.. _bed.Serve().SkipLast(2), "--listen", listen];
        using var first = DaemonProcess.Start(serve);
        await first.WaitForLineAsync($"Console listening on {listen}", Patience);
        await first.WaitForLineAsync("Scheduler started", Patience);

        // The second binds nothing while it waits: before, it failed at start (exit 2) on the port the first holds.
        using var second = DaemonProcess.Start(serve);
        await second.WaitForLineAsync("Standby:", Patience);
        Assert.False(second.HasExited);
        Assert.DoesNotContain(second.Lines, l => l.Contains("Console listening", StringComparison.Ordinal) || l.Contains("cannot listen", StringComparison.Ordinal));

        first.KillHard();
        await second.WaitForLineAsync("Took over scheduling of", Patience);
        await second.WaitForLineAsync($"Console listening on {listen}", Patience);
        await second.WaitForLineAsync("Scheduler started", Patience);
        using (var http = new HttpClient { Timeout = Patience })
        using (var page = await http.GetAsync(listen + "/"))
            Assert.True(page.IsSuccessStatusCode, $"the console answered {(int)page.StatusCode}");

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(Patience));
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static int Starts(DaemonProcess daemon) => daemon.Lines.Count(l => l.Contains("Starting contacts", StringComparison.Ordinal));
}
