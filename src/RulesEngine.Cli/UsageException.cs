namespace RulesEngine.Cli;

/// <summary>A wrong command line found by a verb itself (a value out of range, a wrong combination of options):
/// printed with the verb's name and a pointer to its help, exit code <see cref="ExitCode.Usage"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
