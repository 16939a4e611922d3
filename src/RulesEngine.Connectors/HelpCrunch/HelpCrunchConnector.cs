using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>HelpCrunch: the "helpCrunch" connection type and the update/create contact steps.</summary>
public static class HelpCrunchConnector
{
    public static void Register(ConnectorRegistry registry)
    {
        registry.AddConnectionType(HelpCrunchConnection.Type, HelpCrunchConnection.Create);
        registry.AddReceiver(UpdateContactStep.Spec, UpdateContactStep.Create);
        registry.AddReceiver(CreateContactStep.Spec, CreateContactStep.Create);
    }
}
