using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Core.State;

namespace RulesEngine.Durability.Tests.Support;

/// <summary>
/// The three emulators, a scratch folder with a connections file and a flow file, and a state path: everything a
/// `rulesengine run` needs, in the shape users write. Connection settings are passed per test (timeouts, pacing).
/// </summary>
internal sealed class TestBed : IAsyncDisposable
{
    public const string SpreadsheetId = "1DurabilityTestSheet000000000000000000";
    public const string Sheet = "Contacts";
    public const string ChatId = "-1001234567890";
    public const string GoogleApiKey = "AIza-durability-google-key";
    public const string HelpCrunchApiKey = "hc-durability-api-key";
    public static readonly string[] Header = ["Email", "Name", "UserId", "Locale"];

    private TestBed(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, TelegramEmulator telegram, string directory)
    {
        Sheets = sheets;
        HelpCrunch = helpCrunch;
        Telegram = telegram;
        Directory = directory;
    }

    public GoogleSheetsEmulator Sheets { get; }
    public HelpCrunchEmulator HelpCrunch { get; }
    public TelegramEmulator Telegram { get; }
    public string Directory { get; }
    public string ConnectionsPath => Path.Combine(Directory, "connections.json");
    public string FlowPath => Path.Combine(Directory, "contacts.json");
    public string StatePath => Path.Combine(Directory, "state", "rulesengine.db");

    /// <summary>What the child process needs in its environment (the connections file names these variables).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["DUR_GOOGLE_API_KEY"] = GoogleApiKey,
        ["DUR_HELPCRUNCH_API_KEY"] = HelpCrunchApiKey,
        ["DUR_TELEGRAM_BOT_TOKEN"] = TelegramEmulator.DefaultToken,
    };

    public static async Task<TestBed> StartAsync(HelpCrunchEmulatorOptions? helpCrunchOptions = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-durability-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var sheets = await GoogleSheetsEmulator.StartAsync();
        var helpCrunch = await HelpCrunchEmulator.StartAsync(HelpCrunchApiKey, helpCrunchOptions);
        var telegram = await TelegramEmulator.StartAsync();
        sheets.AddApiKey(GoogleApiKey);
        sheets.AddSheet(SpreadsheetId, Sheet, [Header]);
        var bed = new TestBed(sheets, helpCrunch, telegram, directory);
        foreach (var (name, value) in bed.Environment) System.Environment.SetEnvironmentVariable(name, value);
        await bed.WriteConnectionsAsync();
        await bed.WriteFlowAsync();
        return bed;
    }

    /// <summary>Writes the connections file; each settings object is merged into its connection.</summary>
    public Task WriteConnectionsAsync(JObject? google = null, JObject? helpCrunch = null, JObject? telegram = null)
    {
        var connections = new JObject
        {
            ["google"] = Merge(new JObject { ["type"] = "googleSheets", ["apiKey"] = "${env:DUR_GOOGLE_API_KEY}", ["baseUrl"] = Sheets.BaseUrl }, google),
            ["helpcrunch"] = Merge(new JObject { ["type"] = "helpCrunch", ["apiKey"] = "${env:DUR_HELPCRUNCH_API_KEY}", ["baseUrl"] = HelpCrunch.BaseUrl }, helpCrunch),
            ["telegram"] = Merge(new JObject { ["type"] = "telegram", ["botToken"] = "${env:DUR_TELEGRAM_BOT_TOKEN}", ["baseUrl"] = Telegram.BaseUrl }, telegram),
        };
        return File.WriteAllTextAsync(ConnectionsPath, connections.ToString());
    }

    /// <summary>The canonical flow (update → else create → else alert) on the test sheet; <paramref name="source"/>
    /// settings are merged into the source (requiredColumns, keyColumns, another sheet...).</summary>
    /// <param name="alert">Settings merged into the alert step (e.g. "delivery").</param>
    /// <param name="triggers">The flow's "triggers", for the daemon.</param>
    /// <param name="path">Where to write it; the bed's flow file by default.</param>
    /// <param name="batchSize">The flow's "batchSize" (rows walked through the steps together); the default 10 when null.</param>
    public Task WriteFlowAsync(JObject? source = null, JObject? alert = null, JObject? triggers = null, string? path = null, int? batchSize = null)
    {
        var flow = new JObject
        {
            ["name"] = "contacts",
            ["source"] = Merge(new JObject
            {
                ["type"] = "googleSheets.newRows",
                ["connection"] = "google",
                ["spreadsheetId"] = SpreadsheetId,
                ["sheet"] = Sheet,
                ["columns"] = new JArray(Header),
                ["requiredColumns"] = new JArray("Email"),
            }, source),
            ["steps"] = JArray.Parse($$"""
                [
                  { "id": "update", "type": "helpCrunch.updateContact", "connection": "helpcrunch", "searchBy": "email", "searchFor": "{Email}",
                    "fields": { "name": "{Name}", "locale": "{Locale}" } },
                  { "id": "ifUpdateFailed", "type": "if", "condition": "update.Failed", "then": [
                    { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch",
                      "fields": { "email": "{Email}", "name": "{Name}", "userId": "{UserId}", "locale": "{Locale}" } } ] },
                  { "id": "ifCreateFailed", "type": "if", "condition": "create.Failed", "then": [
                    { "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "{{ChatId}}",
                      "text": "Row {Row.Number}: {Email} could not be created: {create.Error}\nRun: {Run.Link}" } ] }
                ]
                """),
        };
        if (alert is not null) Merge((JObject)flow["steps"]![2]!["then"]![0]!, alert);
        if (triggers is not null) flow["triggers"] = triggers;
        if (batchSize is not null) flow["batchSize"] = batchSize;
        return File.WriteAllTextAsync(path ?? FlowPath, flow.ToString());
    }

    public void AppendRows(IEnumerable<string[]> rows)
    {
        foreach (var row in rows) Sheets.AppendRow(SpreadsheetId, Sheet, row);
    }

    /// <summary>Runs a verb in this process (same code path as the program), returning exit code and output.</summary>
    public async Task<(int Exit, string Output)> CliAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await Cli.CliApp.RunAsync(args, output, output, CancellationToken.None);
        return (exit, output.ToString());
    }

    public Task<(int Exit, string Output)> RunAsync() => CliAsync("run", FlowPath, "--connections", ConnectionsPath, "--state", StatePath);

    /// <summary>Every item's latest recorded status, by item key, with the run that recorded it.</summary>
    public Dictionary<string, RowRecord> LatestRows()
    {
        using var store = new SqliteStateStore(StatePath);
        var latest = new Dictionary<string, RowRecord>();
        foreach (var run in store.ListRuns("contacts", 100_000).OrderBy(r => r.StartedAt).ThenBy(r => r.Id))
            foreach (var row in store.ListRows(run.Id))
                latest[row.Key] = row;
        return latest;
    }

    public async ValueTask DisposeAsync()
    {
        await Sheets.DisposeAsync();
        await HelpCrunch.DisposeAsync();
        await Telegram.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a killed child may still hold the state file for a moment; the temp folder is left behind
        }
    }

    private static JObject Merge(JObject target, JObject? extra)
    {
        if (extra is not null) target.Merge(extra, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Replace });
        return target;
    }
}
