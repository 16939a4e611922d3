using Microsoft.Data.Sqlite;
using RulesEngine.Cli.Demo;
using RulesEngine.Emulation;

namespace RulesEngine.Cli.Tests.Support;

/// <summary>
/// One test's world: the three emulated services on loopback (with the connections file users would write), a
/// "Contacts" tab in the spreadsheet the canonical flow reads, and a scratch folder for the state file.
/// </summary>
internal sealed class Sandbox : IAsyncDisposable
{
    /// <summary>The spreadsheet and tab named in rules/helpcrunch-contacts.json.</summary>
    public const string SpreadsheetId = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";
    public const string Sheet = "Contacts";
    public const string FlowName = "helpcrunch-contacts";

    public static readonly string[] Header = ["Email", "Name", "Phone", "Company", "Locale"];

    public static readonly string[] Anna = ["anna@example.com", "Anna Kovalenko", "+380501112233", "Acme", "uk"];
    public static readonly string[] Ben = ["ben@example.com", "Ben Carter", "+14155550101", "Globex", "en"];
    public static readonly string[] Chloe = ["chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"];
    public static readonly string[] Dana = ["dana@example.com", "Dana Scully", "+12025550199", "FBI", "en"];

    private Sandbox(EmulatedServices services, string directory)
    {
        Services = services;
        Directory = directory;
    }

    public EmulatedServices Services { get; }
    public string Directory { get; }
    public string ConnectionsPath => Services.ConnectionsPath;
    public string StatePath => Path.Combine(Directory, "state", "rulesengine.db");

    /// <summary>Starts the services with the tab holding the header and <paramref name="rows"/> (rows 2, 3, ...).</summary>
    public static async Task<Sandbox> StartAsync(params string[][] rows)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10]);
        var services = await EmulatedServices.StartAsync(directory);
        services.Sheets.AddSheet(SpreadsheetId, Sheet, [Header, .. rows]);
        return new Sandbox(services, directory);
    }

    public int AppendRow(params string[] cells) => Services.Sheets.AppendRow(SpreadsheetId, Sheet, cells);

    public Task<CliResult> RunAsync(string flow, params string[] more) =>
        CliResult.RunAsync(["run", flow, "--connections", ConnectionsPath, "--state", StatePath, .. more]);

    public Task<CliResult> TestAsync(string flow, params string[] more) =>
        CliResult.RunAsync(["test", flow, "--connections", ConnectionsPath, .. more]);

    public Task<CliResult> HistoryAsync(params string[] more) =>
        CliResult.RunAsync(["history", "--state", StatePath, .. more]);

    public IReadOnlyList<RecordedRequest> HelpCrunchReceived => Services.HelpCrunch.Received;

    /// <summary>Requests that change contacts: PATCH/PUT/DELETE, and POST other than the read-only search.</summary>
    public IReadOnlyList<RecordedRequest> HelpCrunchWrites =>
        [.. Services.HelpCrunch.Received.Where(r => r.Method != "GET" && !(r.Method == "POST" && r.Path.EndsWith("/search", StringComparison.Ordinal)))];

    public IReadOnlyList<RecordedRequest> HelpCrunchCreates =>
        [.. Services.HelpCrunch.Received.Where(r => r.Method == "POST" && r.Path.EndsWith("/customers", StringComparison.Ordinal))];

    /// <summary>Everything any of the three services received.</summary>
    public IReadOnlyList<RecordedRequest> AllReceived =>
        [.. Services.Sheets.Received, .. Services.HelpCrunch.Received, .. Services.Telegram.Received];

    public void ClearReceived()
    {
        Services.Sheets.ClearReceived();
        Services.HelpCrunch.Host.ClearReceived();
        Services.Telegram.ClearSentMessages();
    }

    /// <summary>The run id a <c>run</c> printed on its first line ("run ID of FLOW: ...").</summary>
    public static string RunIdOf(CliResult result)
    {
        var match = System.Text.RegularExpressions.Regex.Match(result.Output, @"^run (\S+) of ", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(match.Success, "no run id in the output:\n" + result);
        return match.Groups[1].Value;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }
}
