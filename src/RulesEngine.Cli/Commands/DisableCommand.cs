using RulesEngine.Cli.CommandLine;

namespace RulesEngine.Cli.Commands;

internal static class DisableCommand
{
    public static VerbCommand Create() => new("disable", "switch a flow off for the daemon (takes effect within a second)")
    {
        Details = """
            Switches the flow off: the daemon (serve) stops starting runs of it; a run in flight finishes. Its scheduled
            times pass while it is off (they are not caught up when it is switched on again). Takes effect in a running
            daemon within a second; persisted in the state file. 'run' still runs it on demand.
            The name must be a flow of the rules folder (--rules, where the name is looked up) or one the state file has
            runs of; otherwise nothing is written.
            """,
        Examples = ["rulesengine disable helpcrunch-contacts"],
        ExitCodes = EnableCommand.SwitchExitCodes,
        Handler = (parse, console, _) => EnableCommand.Switch(parse, console, enabled: false),
        Arguments = { EnableCommand.FlowName },
        Options = { CommonOptions.Rules, CommonOptions.State },
    };
}
