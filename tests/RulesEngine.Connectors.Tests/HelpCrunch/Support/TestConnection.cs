using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch.Tests.Support;

/// <summary>Builds clients the way the engine does: a connections file read through the registry.</summary>
internal static class TestConnection
{
    public const string ApiKey = "hc-test-key-5f8a2b";

    /// <summary>Settings that keep tests fast: no pacing, tiny backoff, 3 attempts. The timeout is one no ordinary answer
    /// reaches even on a loaded machine (a test that means a timeout sets its own, on a request the emulator holds).</summary>
    public static JObject FastSettings(HelpCrunchEmulator emulator, string apiKey = ApiKey) => new()
    {
        ["type"] = HelpCrunchConnection.Type,
        ["apiKey"] = apiKey,
        ["baseUrl"] = emulator.BaseUrl,
        ["maxAttempts"] = 3,
        ["timeoutSeconds"] = 60,
        ["retryDelaySeconds"] = 0.01,
        ["requestsPerMinute"] = 0,
    };

    public static HelpCrunchClient Connect(HelpCrunchEmulator emulator, Action<JObject>? adjust = null, string apiKey = ApiKey)
    {
        var settings = FastSettings(emulator, apiKey);
        adjust?.Invoke(settings);
        var (client, diagnostics) = Load(settings);
        Assert.Empty(diagnostics);
        return (HelpCrunchClient)client!;
    }

    public static (object? Client, List<Diagnostic> Diagnostics) Load(JObject settings)
    {
        var registry = new ConnectorRegistry();
        HelpCrunchConnector.Register(registry);
        var path = Path.Combine(Path.GetTempPath(), $"hc-connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JObject { ["hc"] = settings }.ToString());
        try
        {
            var diagnostics = new List<Diagnostic>();
            var file = ConnectionsFile.Load(path, registry, diagnostics);
            var client = file.Get("hc", HelpCrunchConnection.Type, new SourceLocation("flow.json", 1, 1), diagnostics);
            return (client, diagnostics);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static ItemScope Item(params (string Field, string Value)[] fields) =>
        new(new SourceRow(2, fields.ToDictionary(f => f.Field, f => f.Value)), new RunInfo("flow", "run-1", DateTimeOffset.UnixEpoch, "http://localhost/runs/run-1"));
}
