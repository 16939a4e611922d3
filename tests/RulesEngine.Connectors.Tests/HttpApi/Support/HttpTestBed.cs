using Newtonsoft.Json.Linq;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HttpApi.Tests.Support;

/// <summary>The test API on loopback, an "http" connection "api" pointed at it (fast retries, a bearer token), and
/// flows loaded from JSON through the registry like users write them.</summary>
internal sealed class HttpTestBed : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "http-tests", Guid.NewGuid().ToString("N"));

    private HttpTestBed(EmulatorHost api)
    {
        Api = api;
        Directory.CreateDirectory(_directory);
    }

    public EmulatorHost Api { get; }

    public static async Task<HttpTestBed> StartAsync() => new(await TestApi.StartAsync());

    /// <summary>The connection entry as a user would write it, pointed at the test API.</summary>
    public JObject Connection(int maxAttempts = 3, double timeoutSeconds = 10) => new()
    {
        ["type"] = "http",
        ["baseUrl"] = Api.BaseUrl + "/v1",
        ["authorization"] = "Bearer " + TestApi.Token,
        ["apiKeyHeader"] = "X-Api-Key",
        ["apiKey"] = "test-api-key-abcdefgh",
        ["maxAttempts"] = maxAttempts,
        ["timeoutSeconds"] = timeoutSeconds,
        ["retryDelaySeconds"] = 0.01,
    };

    /// <summary>The rows the flow's "test.rows" source serves.</summary>
    public List<Dictionary<string, string>> Rows { get; } = [];

    public ConnectorRegistry Registry()
    {
        var registry = new ConnectorRegistry();
        HttpApiConnector.Register(registry);
        registry.AddSource(RowsSource.Spec, config => new RowsSource(config.TextList("fields") ?? [], Rows));
        return registry;
    }

    /// <summary>Loads a flow whose steps are <paramref name="stepsJson"/>, with the connection "api".</summary>
    public FlowSet Load(string stepsJson, JObject? connection = null)
    {
        var registry = Registry();
        var connections = Path.Combine(_directory, $"connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(connections, new JObject { ["api"] = connection ?? Connection() }.ToString());
        var flow = Path.Combine(_directory, $"flow-{Guid.NewGuid():N}.json");
        File.WriteAllText(flow, $$"""
            { "name": "http-{{Guid.NewGuid():N}}", "source": { "type": "test.rows", "fields": ["Id", "Email", "Name"] }, "steps": {{stepsJson}} }
            """);
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(connections, registry, diagnostics);
        var set = new FlowLoader(registry, file).Load([flow]);
        return set with { Diagnostics = [.. diagnostics, .. set.Diagnostics] };
    }

    /// <summary>The receiver of one step (id "call") that must load.</summary>
    public IResumableReceiver Step(string stepJson, JObject? connection = null)
    {
        var set = Load($"[{stepJson}]", connection);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        return (IResumableReceiver)set.Flows.Single().AllSteps().OfType<ReceiverStep>().Single(s => s.Id == "call").Receiver;
    }

    public string StatePath() => Path.Combine(_directory, $"state-{Guid.NewGuid():N}.db");

    public static ItemScope Item(params (string Field, string Value)[] fields) =>
        new(new SourceRow(2, fields.ToDictionary(f => f.Field, f => f.Value)), new RunInfo("flow", "run-1", DateTimeOffset.UnixEpoch, "http://localhost/runs/run-1"));

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a scratch folder left behind is harmless */ }
    }
}
