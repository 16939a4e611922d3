using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// The runtime settings the program ships with (its <c>rulesengine.runtimeconfig.json</c>, which the installed tool
/// carries too): each one was measured to cut the engine's CPU on a run bound by the services' limits
/// (docs/performance.md). A run lives minutes, so what the JIT spends re-compiling is not paid back; dropping one of
/// these silently brings that cost back.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    // Tier-1 re-compilation after 5,000 calls, not 30: the tiering thread was 47% of a 1,000-row run's CPU.
    [InlineData("System.Runtime.TieredCompilation.CallCountThreshold", 5000)]
    // Dynamic PGO's instrumented tiers off: every hot method compiled twice more.
    [InlineData("System.Runtime.TieredPGO", false)]
    // Idle thread-pool workers sleep at once instead of spinning in sched_yield.
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", 0)]
    public void TheProgram_RunsWithTheRuntimeSettingsMeasuredToSaveCpu(string setting, object expected)
    {
        var properties = (JObject)JObject.Parse(File.ReadAllText(ProgramRuntimeConfig()))["runtimeOptions"]!["configProperties"]!;

        Assert.True(properties.TryGetValue(setting, out var actual), $"{setting} is not set in {ProgramRuntimeConfig()}");
        // DeepEquals: xUnit would compare two JValues as (empty) collections and always find them equal.
        Assert.True(JToken.DeepEquals(JToken.FromObject(expected), actual), $"{setting} is {actual}, not {expected}");
    }

    /// <summary>The program's runtimeconfig as built: the copy beside this assembly, or the CLI's own output.</summary>
    private static string ProgramRuntimeConfig()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        return new[]
            {
                Path.Combine(AppContext.BaseDirectory, "rulesengine.runtimeconfig.json"),
                Path.Combine(Repo.Root, "src", "RulesEngine.Cli", "bin", configuration, "net10.0", "rulesengine.runtimeconfig.json"),
            }
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException("rulesengine.runtimeconfig.json is not built");
    }
}
