namespace RulesEngine.Core.Telemetry;

/// <summary>
/// Which step type (or source type) the current async flow is calling a service for, so a retry deep inside a
/// connector's client is counted under it without the client knowing about steps. Set it only inside an async
/// method: the value then flows into everything that method awaits and ends with it.
/// </summary>
internal static class CallerScope
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>Outside any step or source read (a connection self-test).</summary>
    public const string None = "none";

    public static string StepType => Current.Value ?? None;

    public static void Enter(string stepType) => Current.Value = stepType;
}
