namespace RulesEngine.Cli.Tests.Support;

/// <summary>
/// Every test here goes through the CLI in-process, and the CLI touches process-wide state: the emulated services
/// set the secret environment variables, the secret redactor is static, and some tests start the real program.
/// One collection with parallelization off keeps them from stepping on each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    public const string Name = "process-wide state (environment, secret redactor)";
}
