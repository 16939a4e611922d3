namespace RulesEngine.Cli.Commands;

internal static class DemoCommand
{
    public const string Help = "demo";

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken) => Task.FromResult(0);
}
