using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

public sealed class HelpCrunchConnectorTests
{
    [Fact]
    public void Register_AddsConnectionTypeAndEveryStep()
    {
        var registry = new ConnectorRegistry();

        HelpCrunchConnector.Register(registry);

        Assert.Equal(["helpCrunch"], registry.ConnectionTypes);
        Assert.Equal(["helpCrunch.createContact", "helpCrunch.tagContact", "helpCrunch.untagContact", "helpCrunch.updateContact"],
            registry.Receivers.Select(s => s.Type));
        Assert.All(registry.Receivers, s => Assert.Equal("helpCrunch", s.ConnectionType));
        Assert.True(UpdateContactStep.Spec.Field(UpdateContactStep.FieldSearchFor)!.Required);
    }

    [Fact]
    public async Task Connection_ReportsDiagnostic_WhenNumberSettingIsInvalid()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var settings = TestConnection.FastSettings(emulator);
        settings["timeoutSeconds"] = "soon";
        settings["baseUrl"] = "api.helpcrunch.com";

        var (client, diagnostics) = TestConnection.Load(settings);

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == "RE0311" && d.Message.Contains("\"timeoutSeconds\" must be a JSON number", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == "RE0314" && d.Message.Contains("\"baseUrl\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Connection_ReportsDiagnostic_WhenApiKeyIsMissing()
    {
        var (client, diagnostics) = TestConnection.Load(new JObject { ["type"] = "helpCrunch" });

        Assert.Null(client);
        Assert.Contains(diagnostics, d => d.Code == "RE0301" && d.Message.Contains("\"apiKey\"", StringComparison.Ordinal));
    }
}
