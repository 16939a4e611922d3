using RulesEngine.Core.State;

namespace RulesEngine.WebConsole.Pages;

/// <summary>"Running now" and how far the run got, from the journal: the same text the page shows and the live
/// script refreshes.</summary>
internal static class Progress
{
    public static string Of(bool running, RunRecord? last) => running || last is { Status: RunStatus.Running }
        ? last is { Status: RunStatus.Running } run
            ? $"running: {run.Rows - run.Unfinished} row(s) finished, {run.Unfinished} in progress"
            : "running: starting"
        : "not running";
}
