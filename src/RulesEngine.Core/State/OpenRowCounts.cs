namespace RulesEngine.Core.State;

/// <summary>How many of a flow's items need a person now (their latest line), and among them how many are held
/// (pending, retried by the next run) and how many have a message whose delivery is unknown.</summary>
internal sealed record OpenRowCounts(int NeedsPerson, int Held, int DeliveryUnknown);
