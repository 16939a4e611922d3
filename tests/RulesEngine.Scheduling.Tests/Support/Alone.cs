namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>Tests that measure the whole process (memory, loaded assemblies) run with no other test beside them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone: measures the whole process";
}
