namespace RulesEngine.Cli;

/// <summary>The exit codes of every verb, in one place (the README's table quotes them; scripts rely on them).</summary>
internal static class ExitCode
{
    /// <summary>Done: the run completed (failed steps are data), the flows are valid, the row was shown.</summary>
    public const int Ok = 0;

    /// <summary>The flow does not load (or is invalid), or the verb failed; for 'disable'/'enable': no such flow.</summary>
    public const int Failed = 1;

    /// <summary>The source could not be read, or has no such row.</summary>
    public const int SourceUnreadable = 2;

    /// <summary>The flow is already running in another process.</summary>
    public const int Busy = 3;

    /// <summary>'replay': no row matched.</summary>
    public const int NoRowMatched = 4;

    /// <summary>The command line is wrong: an unknown verb or option, a missing argument (BSD sysexits EX_USAGE).</summary>
    public const int Usage = 64;

    /// <summary>Stopped by Ctrl+C or a signal before the end (128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
