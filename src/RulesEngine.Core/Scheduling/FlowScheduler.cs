using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// The daemon's one loop: wake when the next flow is due (or every <see cref="SchedulerOptions.PollInterval"/>, or
/// when a run ends or a file changes), reload changed files, read the on/off switches, start what is due. Time is
/// the injected <see cref="TimeProvider"/> (UTC throughout); Cronos only answers "when next".
/// Rules: a flow never overlaps itself (a due flow that is running runs once more when it ends); different flows
/// run in parallel up to <see cref="SchedulerOptions.MaxParallel"/>; a switched-off flow lets its times pass.
/// All state is touched by the loop only: runs report back through a queue.
/// </summary>
internal sealed class FlowScheduler(
    FlowCatalog catalog, IStateStore store, IFlowRunExecutor executor, SchedulerOptions options, TimeProvider clock, ILogger logger) : IDaemonScheduler, IConsoleScheduler
{
    /// <summary>How long after a file event the folder is rescanned (editors write in several steps).</summary>
    public static readonly TimeSpan RescanDelay = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, ScheduledFlow> _flows = new(StringComparer.Ordinal);
    private readonly List<ScheduledFlow> _removed = []; // removed while running: unloaded when the run ends
    private readonly ConcurrentQueue<(ScheduledFlow Flow, RunResult Result)> _completions = new();
    private readonly BrokenFlowFiles _brokenFiles = new(store, clock, logger);
    private TaskCompletionSource _wake = NewWake();
    private DateTimeOffset? _rescanAt;
    private DateTimeOffset _nextRescan = DateTimeOffset.MinValue;
    private CancellationToken _stopping = CancellationToken.None;
    private CancellationTokenSource _abort = new();
    private int _running;

    /// <summary>A file changed: rescan soon. Safe from any thread.</summary>
    public void RequestRescan()
    {
        _rescanRequested = true;
        _wake.TrySetResult();
    }

    private volatile bool _rescanRequested;

    private readonly ConcurrentQueue<string> _runRequests = new();
    private volatile IReadOnlyList<FlowState> _published = [];
    private volatile IReadOnlyList<BrokenFlowFile> _publishedProblems = [];

    /// <summary>Asks the loop to start a run of the flow now, as a trigger would (one run per flow: a flow already
    /// running runs once more when it ends), also when the flow is switched off, as <c>run</c> does. Safe from any
    /// thread (the web console). False when no flow of that name is in service.</summary>
    public bool RequestRun(string flow)
    {
        if (!_published.Any(f => f.Name == flow)) return false;
        _runRequests.Enqueue(flow);
        _wake.TrySetResult();
        return true;
    }

    Task<bool> IConsoleScheduler.RequestRunAsync(string flow, CancellationToken cancellationToken) => Task.FromResult(RequestRun(flow));

    /// <summary>The flows in service as of the last finished tick, for readers on other threads (the web console):
    /// <see cref="Flows"/> reads the loop's own state and is only safe on the loop.</summary>
    public IReadOnlyList<FlowState> PublishedFlows => _published;

    /// <summary>The files that do not load as of the last finished tick (their last good version, if any, keeps
    /// running). Safe from any thread.</summary>
    public IReadOnlyList<BrokenFlowFile> PublishedProblems => _publishedProblems;

    /// <summary>The flows in service, as of the last tick.</summary>
    public IReadOnlyList<FlowState> Flows => _flows.Values
        .Select(f => new FlowState(f.Name, f.Version.FilePath, f.Triggers.Describe(), f.Enabled, f.Run is not null, f.NextDue, f.LastResult))
        .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Runs until <paramref name="stopping"/> is cancelled, then lets runs in flight finish their current step (at most
    /// <see cref="SchedulerOptions.StopTimeout"/>) and returns true; returns false when runs had to be cut, because the
    /// bound passed or <paramref name="abort"/> was cancelled (a second signal).
    /// </summary>
    public async Task<bool> RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        _stopping = stopping;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(abort);
        logger.LogInformation("Scheduler started on {Directory}: at most {MaxParallel} flows at once", catalog.Directory, options.MaxParallel);
        while (!stopping.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            _wake = NewWake();
            try
            {
                Tick();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Scheduler tick failed; retrying on the next one");
            }
            await WaitAsync(stopping);
        }
        return await DrainAsync();
    }

    /// <summary>One pass of the loop at the clock's current time. Tests call it directly after moving a fake clock.</summary>
    internal void Tick()
    {
        var now = clock.GetUtcNow();
        TakeCompletions();
        if (_rescanRequested)
        {
            _rescanRequested = false;
            _rescanAt ??= now + RescanDelay;
        }
        if (_rescanAt <= now || now >= _nextRescan)
        {
            _rescanAt = null;
            _nextRescan = now + options.RescanInterval;
            Reload(now);
        }
        if (_stopping.IsCancellationRequested) return;
        while (_runRequests.TryDequeue(out var requested))
            if (_flows.TryGetValue(requested, out var asked)) asked.RunRequested = true;

        foreach (var flow in _flows.Values.OrderBy(f => f.ChainedAfter is null ? f.NextDue ?? DateTimeOffset.MaxValue : DateTimeOffset.MinValue).ToList())
        {
            var enabled = store.IsEnabled(flow.Name);
            if (enabled != flow.Enabled)
            {
                flow.Enabled = enabled;
                logger.LogInformation("Flow {Flow} switched {State}", flow.Name, enabled ? "on" : "off");
            }
            if (!enabled)
            {
                if (flow.NextDue <= now) flow.NextDue = TriggerTimes.Next(flow.Triggers, flow.NextDue.Value, now); // times pass while off
                flow.ChainedAfter = null;
                flow.PendingChain = null;
                if (!flow.RunRequested) continue; // a person's "run now" still runs it, as 'run' does
            }
            if (!flow.IsDue(now) || flow.Run is not null || _running >= options.MaxParallel) continue; // stays due
            var reason = flow.RunRequested ? "run now, asked in the console" : flow.NextDue <= now ? "schedule" : $"after {flow.ChainedAfter}";
            flow.RunRequested = false;
            if (flow.NextDue <= now) flow.NextDue = TriggerTimes.Next(flow.Triggers, flow.NextDue.Value, now);
            flow.RunChain = new HashSet<string>(flow.ChainedAfter is not null && flow.PendingChain is { } pending ? pending : [], StringComparer.Ordinal) { flow.Name };
            flow.ChainedAfter = null;
            flow.PendingChain = null;
            Start(flow, reason);
        }
        Publish();
    }

    private void Publish()
    {
        _published = Flows;
        _publishedProblems = [.. catalog.Broken.Select(b => new BrokenFlowFile(b.File, b.Problems))];
    }

    /// <summary>The runs in flight, for tests that let a fake run end and then tick.</summary>
    internal Task InFlight() => Task.WhenAll(_flows.Values.Concat(_removed).Select(f => f.Run).OfType<Task>());

    /// <summary>The flow's run in flight (completed when none).</summary>
    internal Task RunOf(string flow) => _flows.TryGetValue(flow, out var f) && f.Run is { } run ? run : Task.CompletedTask;

    /// <summary>How many runs this scheduler started, for tests.</summary>
    internal int StartedRuns { get; private set; }

    private void Start(ScheduledFlow flow, string reason)
    {
        _running++;
        StartedRuns++;
        var version = flow.Version;
        logger.LogInformation("Starting {Flow} ({Reason}); next scheduled run {Next}", flow.Name, reason, flow.NextDue?.ToString("u") ?? "none");
        flow.Run = Task.Run(async () =>
        {
            RunResult result;
            try
            {
                result = await executor.RunAsync(version.Flow, _stopping, _abort.Token);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Run of {Flow} broke", version.Name);
                result = RunResult.Aborted(e.Message);
            }
            _completions.Enqueue((flow, result));
            _wake.TrySetResult();
        });
    }

    private void TakeCompletions()
    {
        while (_completions.TryDequeue(out var done))
        {
            var (flow, result) = done;
            _running--;
            flow.Run = null;
            flow.LastResult = result;
            foreach (var retired in flow.Retired) retired.Unload();
            flow.Retired.Clear();
            if (_removed.Remove(flow)) flow.Version.Unload();
            var chain = flow.RunChain ?? new HashSet<string>(StringComparer.Ordinal) { flow.Name };
            flow.RunChain = null;
            if (result.Status is not { } status) continue;
            foreach (var next in _flows.Values.Where(f => f.Triggers.After.Any(a => a.Flow == flow.Name && a.Matches(status))))
            {
                // Loading refuses cycles of "after" triggers; this is the guard that holds whatever slips past it:
                // a chain never starts a flow that already ran in it.
                if (chain.Contains(next.Name))
                {
                    logger.LogError("Flow {Flow} is not run after {Other}: it already ran in this chain ({Chain}); a cycle of \"after\" triggers is cut here",
                        next.Name, flow.Name, string.Join(", ", chain.Order(StringComparer.Ordinal)));
                    continue;
                }
                next.PendingChain = next.PendingChain is { } pending ? new HashSet<string>(pending.Concat(chain), StringComparer.Ordinal) : chain;
                next.ChainedAfter = flow.Name;
                logger.LogInformation("Flow {Flow} will run after {Other} ({Status})", next.Name, flow.Name, status);
            }
        }
    }

    private void Reload(DateTimeOffset now)
    {
        var changes = catalog.Rescan();
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case CatalogChangeKind.Added:
                    Add(change.New!, now);
                    break;
                case CatalogChangeKind.Replaced when change.Old!.Name == change.New!.Name:
                    var flow = _flows[change.Old.Name];
                    var triggersChanged = flow.Triggers.Describe() != change.New.Flow.Triggers.Describe()
                        || flow.Triggers.MissedRuns != change.New.Flow.Triggers.MissedRuns;
                    Retire(flow, change.Old);
                    flow.Version = change.New;
                    if (triggersChanged) flow.NextDue = TriggerTimes.FirstDue(flow.Triggers, LastRunStart(flow.Name), now);
                    logger.LogInformation("Reloaded {Flow} from {File}: {Triggers}; next run {Next}", flow.Name, change.FilePath, flow.Triggers.Describe(), flow.NextDue?.ToString("u") ?? "none");
                    break;
                case CatalogChangeKind.Replaced: // renamed: the old name goes, the new one comes
                    Remove(change.Old!);
                    Add(change.New!, now);
                    break;
                case CatalogChangeKind.Removed:
                    Remove(change.Old!);
                    break;
                case CatalogChangeKind.Failed:
                    _brokenFiles.Report(change);
                    break;
            }
        }
        if (changes.Any(c => c.Kind != CatalogChangeKind.Failed))
            foreach (var problem in FlowTriggers.CheckChains(catalog.Flows.Select(f => f.Flow).ToList()))
                logger.LogError("{Problem}", problem.ToString());
    }

    private void Add(LoadedFlow version, DateTimeOffset now)
    {
        var flow = new ScheduledFlow(version) { NextDue = TriggerTimes.FirstDue(version.Flow.Triggers, LastRunStart(version.Name), now) };
        _flows[version.Name] = flow;
        logger.LogInformation("Loaded {Flow} from {File}: {Triggers}; next run {Next}", flow.Name, version.FilePath, flow.Triggers.Describe(), flow.NextDue?.ToString("u") ?? "none");
    }

    private void Remove(LoadedFlow old)
    {
        if (!_flows.Remove(old.Name, out var flow)) return;
        logger.LogInformation("Flow {Flow} removed ({File} is gone or renamed it)", old.Name, old.FilePath);
        if (flow.Run is null) Unload(flow);
        else _removed.Add(flow);
    }

    private static void Unload(ScheduledFlow flow)
    {
        foreach (var retired in flow.Retired) retired.Unload();
        flow.Retired.Clear();
        flow.Version.Unload();
    }

    private static void Retire(ScheduledFlow flow, LoadedFlow old)
    {
        if (flow.Run is null) old.Unload();
        else flow.Retired.Add(old);
    }

    private DateTimeOffset? LastRunStart(string flow) => store.ListRuns(flow, 1).FirstOrDefault()?.StartedAt;

    private async Task WaitAsync(CancellationToken stopping)
    {
        var now = clock.GetUtcNow();
        var wakeAt = now + options.PollInterval;
        foreach (var flow in _flows.Values)
            if (flow.NextDue < wakeAt) wakeAt = flow.NextDue.Value;
        if (_rescanAt < wakeAt) wakeAt = _rescanAt.Value;
        var delay = wakeAt - now;
        if (delay <= TimeSpan.Zero || _wake.Task.IsCompleted) return;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, _abort.Token);
        var sleep = Task.Delay(delay, clock, cancel.Token);
        await Task.WhenAny(sleep, _wake.Task);
        await cancel.CancelAsync();
    }

    private async Task<bool> DrainAsync()
    {
        var inFlight = InFlight();
        var graceful = true;
        if (!inFlight.IsCompleted)
        {
            logger.LogInformation("Stopping: waiting up to {Seconds} s for {Count} run(s) to finish their current step", options.StopTimeout.TotalSeconds, _running);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
            var timeout = Task.Delay(options.StopTimeout, clock, bound.Token);
            await Task.WhenAny(inFlight, timeout);
            await bound.CancelAsync();
            if (!inFlight.IsCompleted)
            {
                graceful = false;
                logger.LogWarning("Stopping at once: cutting {Count} run(s); what they recorded is kept and replayed by the next run", _running);
                await _abort.CancelAsync();
                await Task.WhenAny(inFlight, Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
            }
        }
        graceful &= !_abort.IsCancellationRequested;
        TakeCompletions();
        foreach (var flow in _flows.Values.Where(f => f.Run is null)) Unload(flow);
        logger.LogInformation("Scheduler stopped{How}", graceful ? "" : " (runs were cut)");
        return graceful;
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
