namespace RulesEngine.Core.Scheduling;

/// <summary>One flow as the running daemon sees it.</summary>
internal sealed record FlowState(string Name, string FilePath, string Triggers, bool Enabled, bool Running, DateTimeOffset? NextRun, RunResult? LastResult);
