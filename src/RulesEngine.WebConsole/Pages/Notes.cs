namespace RulesEngine.WebConsole.Pages;

/// <summary>The one-line notes an action leaves on the page it returns to (<c>?note=</c>): fixed texts, so a
/// crafted link cannot put words on the page.</summary>
internal static class Notes
{
    public const string SwitchedOn = "on";
    public const string SwitchedOff = "off";
    public const string RunRequested = "run";
    public const string ReplayStarted = "replay";
    public const string NothingToReplay = "nothing";
    public const string ForcedReplayStarted = "forced";

    public static string Describe(string note) => note switch
    {
        SwitchedOn => "Switched on: the daemon runs it on its triggers from its next tick.",
        SwitchedOff => "Switched off: the daemon starts no new run of it (a run in flight finishes).",
        RunRequested => "Run requested: it starts within a second (after the run in flight, if one is going).",
        ReplayStarted => "Replay started: it shows in the runs below; its outcome is noted on this flow's page.",
        NothingToReplay => "No row to replay: none of these rows needs a person now.",
        ForcedReplayStarted => "Replay started, calling every step again: it shows in the runs below; its outcome is noted on this flow's page.",
        _ => "",
    };
}
