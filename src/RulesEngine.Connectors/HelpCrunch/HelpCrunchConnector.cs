using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>HelpCrunch: the "helpCrunch" connection type and the update/create/tag/untag contact steps.</summary>
public static class HelpCrunchConnector
{
    public static void Register(ConnectorRegistry registry)
    {
        registry.AddConnection(HelpCrunchConnectionSpec.Spec, HelpCrunchConnection.Create, HelpCrunchConnection.SelfTestAsync);
        registry.AddReceiver(UpdateContactStep.Spec, UpdateContactStep.Create);
        registry.AddReceiver(CreateContactStep.Spec, CreateContactStep.Create);
        registry.AddReceiver(TagContactStep.TagSpec, TagContactStep.CreateTag);
        registry.AddReceiver(TagContactStep.UntagSpec, TagContactStep.CreateUntag);
    }
}
