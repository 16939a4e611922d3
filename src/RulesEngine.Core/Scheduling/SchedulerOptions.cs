namespace RulesEngine.Core.Scheduling;

internal sealed class SchedulerOptions
{
    /// <summary>How many different flows may run at once (a flow never overlaps itself). Default 4.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>How often the loop wakes with nothing due: the on/off switches are read this often. Default 1 s.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the rules folder is rescanned even when the file watcher reported nothing (it can miss
    /// events: network shares, editors replacing files, buffer overflows). Default 10 s.</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a stop waits for runs in flight to finish their current step before cutting them. Default 30 s.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
