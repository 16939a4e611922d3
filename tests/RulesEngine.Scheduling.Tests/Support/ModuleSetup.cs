using System.Runtime.CompilerServices;

namespace RulesEngine.Scheduling.Tests.Support;

internal static class ModuleSetup
{
    /// <summary>Compiled expression sets of the tests (a thousand reloads, daemons) go to a scratch cache, never
    /// to the user's; child processes inherit it.</summary>
    [ModuleInitializer]
    internal static void UseScratchExpressionCache() =>
        Environment.SetEnvironmentVariable("RULESENGINE_CACHE", Path.Combine(Path.GetTempPath(), "re-sched-tests-cache"));
}
