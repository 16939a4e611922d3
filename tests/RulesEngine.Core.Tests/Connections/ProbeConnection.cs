using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Connections;

/// <summary>What the "probe" connection type read: one value of every kind, so the readers are checked end to end.</summary>
internal sealed record ProbeClient(string Token, string Url, string? KeyFile, string Mode, int Count, double Ratio, TimeSpan Wait, string? Note, int? Port);

/// <summary>A connection type with a setting of every kind and both kinds of rule, registered like a real connector.</summary>
internal static class ProbeConnection
{
    public const string Type = "probe";

    public static ConnectionSpec Spec { get; } = new(Type, "a connection type for tests",
        [
            ConnectionField.Secret("token", "the probe's token", "${env:PROBE_TOKEN}"),
            ConnectionField.Url("url", "where the probe lives", "https://probe.example.com/v1"),
            ConnectionField.File("keyFile", "a small key file", "keys/probe.json"),
            ConnectionField.Choice("mode", "how the probe behaves", "calm", "calm", "eager", "none"),
            ConnectionField.Integer("count", "how many", 4, 1, 20, example: 4),
            ConnectionField.Number("ratio", "how much", 0.5, 0, 1, example: 0.5),
            ConnectionField.Duration("waitSeconds", "how long", 30, 0.01, 600, example: 30),
            ConnectionField.Text("note", "a note", "hello"),
            ConnectionField.OptionalInteger("port", "a port", 1, 65_535, example: 8080),
            ConnectionField.Text("user", "who", "probe-user"),
            ConnectionField.Secret("password", "the user's password", "${env:PROBE_PASSWORD}", required: false),
        ])
    {
        AllOrNone = [["user", "password"]],
    };

    public static ConnectorRegistry Registry()
    {
        var registry = new ConnectorRegistry();
        registry.AddConnection(Spec, settings =>
        {
            var token = settings.Secret("token");
            var url = settings.Url("url");
            var keyFile = settings.FilePath("keyFile");
            var note = settings.Text("note");
            settings.Secret("password");
            if (note == "reject me") settings.Invalid("note", "\"note\" says reject me");
            return settings.HasErrors ? null : new ProbeClient(token!, url, keyFile, settings.Choice("mode"), settings.Integer("count"),
                settings.Number("ratio"), settings.Duration("waitSeconds"), note, settings.OptionalInteger("port"));
        });
        return registry;
    }
}
