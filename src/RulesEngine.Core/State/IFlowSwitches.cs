namespace RulesEngine.Core.State;

/// <summary>Whether each flow is switched on for scheduled runs (<c>enable</c>/<c>disable</c>).</summary>
internal interface IFlowSwitches
{
    /// <summary>Flows are on until switched off.</summary>
    bool IsEnabled(string flow);

    void SetEnabled(string flow, bool enabled, DateTimeOffset now);
}
