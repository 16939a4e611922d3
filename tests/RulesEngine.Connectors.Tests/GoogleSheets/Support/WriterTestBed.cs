using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets.Tests.Support;

/// <summary>
/// The emulator with a "Contacts" tab, a service account that may write and an API key that may only read, and flows
/// loaded from JSON (a googleSheets.newRows source plus the write step under test) through the registry.
/// </summary>
internal sealed class WriterTestBed : IAsyncDisposable
{
    public const string SpreadsheetId = "1WriteTests_abc-XYZ";
    public const string ApiKey = "AIzaWriterTestKey-0123456789";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sheets-write-tests", Guid.NewGuid().ToString("N"));

    private WriterTestBed(GoogleSheetsEmulator emulator, string keyFile)
    {
        Emulator = emulator;
        KeyFile = keyFile;
    }

    public GoogleSheetsEmulator Emulator { get; }
    public string KeyFile { get; }

    public static async Task<WriterTestBed> StartAsync()
    {
        var emulator = await GoogleSheetsEmulator.StartAsync();
        emulator.AddApiKey(ApiKey);
        emulator.AddSheet(SpreadsheetId, "Contacts",
        [
            ["Email", "Name", "Status", "Note"],
            ["ann@example.com", "Ann"],
            ["ben@example.com", "Ben", "", "keep me"],
        ]);
        var directory = Path.Combine(Path.GetTempPath(), "sheets-write-tests", Guid.NewGuid().ToString("N"));
        return new WriterTestBed(emulator, emulator.WriteServiceAccountKey(directory));
    }

    public GoogleSheetsClient Client(bool apiKey = false, int maxAttempts = 3) => new(new GoogleSheetsOptions
    {
        BaseUrl = Emulator.BaseUrl,
        ApiKey = apiKey ? ApiKey : null,
        ServiceAccountKeyFile = apiKey ? null : KeyFile,
        MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        ReadsPerMinute = 10_000,
        WritesPerMinute = 10_000,
    });

    public IReadOnlyList<IReadOnlyList<string>> Sheet(string name = "Contacts") => Emulator.ReadSheet(SpreadsheetId, name);

    /// <summary>Loads a flow with <paramref name="step"/> (its "connection" is "sheets") and returns the step's receiver.</summary>
    public (IReceiver? Receiver, IReadOnlyList<Diagnostic> Diagnostics) Load(string step, bool apiKey = false, IReadOnlyList<string>? columns = null)
    {
        var sourceColumns = string.Join(", ", (columns ?? ["Email", "Name"]).Select(c => $"\"{c}\""));
        var (flow, diagnostics) = LoadFlow($$"""
            {
              "name": "write-{{Guid.NewGuid():N}}",
              "source": { "type": "googleSheets.newRows", "connection": "sheets", "spreadsheetId": "{{SpreadsheetId}}", "sheet": "Contacts",
                          "columns": [{{sourceColumns}}] },
              "steps": [ {{step}} ]
            }
            """, apiKey);
        var receiver = flow?.AllSteps().OfType<ReceiverStep>().Single().Receiver;
        return (receiver, diagnostics);
    }

    /// <summary>Loads one flow file's text against a connections file whose "sheets" connection points at the emulator.</summary>
    public (Flow? Flow, IReadOnlyList<Diagnostic> Diagnostics) LoadFlow(string flowJson, bool apiKey = false)
    {
        Directory.CreateDirectory(_directory);
        var registry = new ConnectorRegistry();
        GoogleSheetsConnector.Register(registry);
        var connection = new JObject { ["type"] = "googleSheets", ["baseUrl"] = Emulator.BaseUrl, ["maxAttempts"] = 2 };
        if (apiKey) connection["apiKey"] = ApiKey;
        else connection["serviceAccountKeyFile"] = KeyFile;
        var connections = Path.Combine(_directory, $"connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(connections, new JObject { ["sheets"] = connection }.ToString());
        var flow = Path.Combine(_directory, $"flow-{Guid.NewGuid():N}.json");
        File.WriteAllText(flow, flowJson);
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(connections, registry, diagnostics);
        var set = new FlowLoader(registry, file).Load([flow]);
        diagnostics.AddRange(set.Diagnostics);
        return (diagnostics.Count == 0 ? set.Flows.SingleOrDefault() : null, diagnostics);
    }

    /// <summary>A scratch path for a state database.</summary>
    public string StatePath() => Path.Combine(_directory, $"state-{Guid.NewGuid():N}.db");

    /// <param name="columns">The source's columns, the fields items have (default Email and Name).</param>
    public IReceiver Step(string step, bool apiKey = false, IReadOnlyList<string>? columns = null)
    {
        var (receiver, diagnostics) = Load(step, apiKey, columns);
        Assert.True(receiver is not null, string.Join("\n", diagnostics));
        return receiver;
    }

    public static ItemScope Item(params (string Field, string Value)[] fields) =>
        new(new SourceRow(2, fields.ToDictionary(f => f.Field, f => f.Value)), new RunInfo("flow", "run-7", DateTimeOffset.UnixEpoch, "http://localhost/runs/run-7"));

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a scratch folder left behind is harmless */ }
    }
}
