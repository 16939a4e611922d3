using RulesEngine.Cli;

namespace RulesEngine.Editing.Tests.Support;

/// <summary>What one CLI invocation did: its exit code and everything it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Errors)
{
    /// <summary>Calls <see cref="CliApp.RunAsync"/> in-process, as Program.cs does, capturing both outputs.</summary>
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await CliApp.RunAsync(args, output, errors, CancellationToken.None);
        return new CliRun(code, output.ToString(), errors.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Errors}";
}
