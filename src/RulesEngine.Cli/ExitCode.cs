namespace RulesEngine.Cli;

/// <summary>
/// The exit codes of every verb: one meaning per number, whichever verb returns it. Scripts and the systemd unit
/// rely on them; the README's table is checked against <see cref="ExitCodes.Meaning"/> and each verb declares which
/// of them it returns (its help prints them), so the three cannot drift apart.
/// </summary>
internal enum ExitCode
{
    /// <summary>Done: the run completed (failed steps are data), the flows are valid, the row was shown.</summary>
    Ok = 0,

    /// <summary>The flow does not load (or is invalid), or the verb failed; enable/disable: no such flow.</summary>
    Failed = 1,

    /// <summary>What the verb needs cannot be had: the source cannot be read or has no such row; serve: a set-up
    /// problem a person must fix (the systemd unit does not restart on it).</summary>
    Unavailable = 2,

    /// <summary>The flow is already running in another process.</summary>
    Busy = 3,

    /// <summary>replay: nothing to replay (no open rows, no usable row in the chosen run).</summary>
    NothingToReplay = 4,

    /// <summary>--fail-on-open: the run completed and rows need a person.</summary>
    RowsNeedAPerson = 5,

    /// <summary>The command line is wrong: an unknown verb or option, a missing argument (BSD sysexits EX_USAGE).</summary>
    Usage = 64,

    /// <summary>Stopped by Ctrl+C or a signal before the end (128 + SIGINT).</summary>
    Cancelled = 130,
}
