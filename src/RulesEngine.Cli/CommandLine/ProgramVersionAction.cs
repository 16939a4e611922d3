using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace RulesEngine.Cli.CommandLine;

/// <summary>
/// <c>--version</c>: this program's informational version (the package version and the commit it was built from).
/// System.CommandLine's own action prints the entry assembly's, which is the test host's when the CLI runs in-process.
/// </summary>
internal sealed class ProgramVersionAction : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public static string Version { get; } =
        typeof(ProgramVersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ProgramVersionAction).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return (int)ExitCode.Ok;
    }
}
