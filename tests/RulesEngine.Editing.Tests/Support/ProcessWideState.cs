namespace RulesEngine.Editing.Tests.Support;

/// <summary>
/// The emulated services set the secret environment variables and the secret redactor is static, so tests that
/// start emulators or load connections run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideState
{
    public const string Name = "process-wide state (environment, secret redactor)";
}
