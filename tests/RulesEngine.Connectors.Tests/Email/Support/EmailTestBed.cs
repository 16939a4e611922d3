using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.Email.Emulator;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email.Tests.Support;

/// <summary>
/// An SMTP emulator that wants a sign-in, an "email" connection to it with fast retries (read through the registry
/// like every connection), and flows loaded from JSON with a "test.rows" source.
/// </summary>
internal sealed class EmailTestBed : IAsyncDisposable
{
    public const string Username = "alerts@example.com";
    public const string Password = "app-password-abcd-efgh";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "email-tests", Guid.NewGuid().ToString("N"));

    public EmailTestBed()
    {
        Directory.CreateDirectory(_directory);
        Smtp = SmtpEmulator.Start(Username, Password);
    }

    public SmtpEmulator Smtp { get; }

    /// <summary>The connection entry as a user would write it, pointed at the emulator.</summary>
    /// <param name="timeoutSeconds">One no ordinary answer reaches even on a loaded machine; a timeout test passes its own.</param>
    public JObject Connection(string password = Password, int maxAttempts = 3, double timeoutSeconds = 60) => new()
    {
        ["type"] = "email",
        ["host"] = Smtp.Host,
        ["port"] = Smtp.Port,
        ["security"] = "none",
        ["username"] = Username,
        ["password"] = password,
        ["from"] = "RulesEngine <alerts@example.com>",
        ["maxAttempts"] = maxAttempts,
        ["timeoutSeconds"] = timeoutSeconds,
        ["retryDelaySeconds"] = 0.01,
    };

    public static ConnectorRegistry Registry()
    {
        var registry = new ConnectorRegistry();
        EmailConnector.Register(registry);
        registry.AddSource(RowsSource.Spec, config => new RowsSource(config.TextList("fields") ?? []));
        return registry;
    }

    /// <summary>Loads a flow whose steps are <paramref name="stepsJson"/>, with the connection "email".</summary>
    public FlowSet Load(string stepsJson, JObject? connection = null, string fields = "\"Email\", \"Name\", \"Error\"")
    {
        var registry = Registry();
        var connections = Path.Combine(_directory, $"connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(connections, new JObject { ["email"] = connection ?? Connection() }.ToString());
        var flow = Path.Combine(_directory, $"flow-{Guid.NewGuid():N}.json");
        File.WriteAllText(flow, $$"""
            { "name": "mail-{{Guid.NewGuid():N}}", "source": { "type": "test.rows", "fields": [{{fields}}] }, "steps": {{stepsJson}} }
            """);
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(connections, registry, diagnostics);
        var set = new FlowLoader(registry, file).Load([flow]);
        return set with { Diagnostics = [.. diagnostics, .. set.Diagnostics] };
    }

    /// <summary>The receiver of a flow that must load, by step id.</summary>
    public IReceiver Step(string stepsJson, string id = "mail", JObject? connection = null)
    {
        var set = Load(stepsJson, connection);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        return set.Flows.Single().AllSteps().OfType<ReceiverStep>().Single(s => s.Id == id).Receiver;
    }

    public static ItemScope Item(params (string Field, string Value)[] fields) =>
        new(new SourceRow(2, fields.ToDictionary(f => f.Field, f => f.Value)), new RunInfo("flow", "run-1", DateTimeOffset.UnixEpoch, "http://localhost/runs/run-1"));

    public async ValueTask DisposeAsync()
    {
        await Smtp.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a scratch folder left behind is harmless */ }
    }
}
