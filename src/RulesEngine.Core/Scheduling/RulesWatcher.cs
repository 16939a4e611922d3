namespace RulesEngine.Core.Scheduling;

/// <summary>Tells the scheduler that something changed in the rules folder. Only a hint: the scheduler rescans on
/// its own every <see cref="SchedulerOptions.RescanInterval"/>, so a missed event only delays a reload.</summary>
internal sealed class RulesWatcher : IDisposable
{
    private readonly FileSystemWatcher _watcher;

    public RulesWatcher(string directory, Action changed)
    {
        _watcher = new FileSystemWatcher(directory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => changed();
        _watcher.Created += (_, _) => changed();
        _watcher.Deleted += (_, _) => changed();
        _watcher.Renamed += (_, _) => changed();
        _watcher.Error += (_, _) => changed();
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose() => _watcher.Dispose();
}
