namespace RulesEngine.Cli.Commands;

internal static class DisableCommand
{
    public const string Help = """
        Usage: rulesengine disable <flow name> [--rules DIR] [--state PATH]

        Switches the flow off: the daemon (serve) stops starting runs of it; a run in flight finishes. Its scheduled
        times pass while it is off (they are not caught up when it is switched on again). Takes effect in a running
        daemon within a second; persisted in the state file. 'run' still runs it on demand.
        The name must be a flow of the rules folder or one the state file has runs of; otherwise nothing is
        written and the exit code is 1.

        Options:
          --rules DIR    the folder of flow files the name is looked up in (default: ./rules)
          --state PATH   the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Example:
          rulesengine disable helpcrunch-contacts
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken) =>
        EnableCommand.Switch(args, console, enabled: false);
}
