using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cluster;

/// <summary>
/// One <c>serve</c> process in a cluster: Quartz.NET's clustered AdoJobStore on PostgreSQL decides which node fires
/// each flow (one durable, non-concurrent job per flow, so a flow runs on one node at a time, and a dead node's flows
/// move to the others), while the meaning of every trigger stays with <see cref="TriggerTimes"/>: each firing
/// reschedules the flow's one-shot clock trigger at the next time it computes (see <see cref="FlowJob"/>).
/// Each node loads the rules folder itself (hot reload per node), registers what it loaded, and tells in its log when
/// another node's copy of a flow file differs. Runs go through the same <see cref="IFlowRunExecutor"/> as on one
/// machine, so flow leases, the journal and resume policies are unchanged.
/// </summary>
internal sealed partial class ClusterNode(
    FlowCatalog catalog, IStateStore store, IFlowRunExecutor executor, SchedulerOptions options, ClusterOptions cluster,
    TimeProvider clock, ILogger logger, ILoggerFactory? quartzLogging = null) : IDaemonScheduler
{
    private readonly ConcurrentDictionary<string, LoadedFlow> _inService = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<LoadedFlow, int> _runsOf = []; // versions with runs in flight (guarded by _gate)
    private readonly List<LoadedFlow> _retired = [];           // replaced while running: unloaded when their runs end
    private readonly FlowFileHashes _hashes = new(cluster.ConnectionString, cluster.NodeId);
    private readonly BrokenFlowFiles _brokenFiles = new(store, clock, logger, cluster.NodeId);
    private readonly ConcurrentDictionary<Task, bool> _runs = new();
    private TaskCompletionSource _wake = NewWake();
    private volatile bool _rescanRequested;
    private CancellationTokenSource _abort = new();
    private IScheduler? _scheduler;

    public string NodeId => cluster.NodeId;
    internal ClusterOptions Options => cluster;
    internal IStateStore Store => store;
    internal IFlowRunExecutor Executor => executor;
    internal TimeProvider Clock => clock;
    internal ILogger Logger => logger;
    internal CancellationToken Stopping { get; private set; }
    internal CancellationToken Abort => _abort.Token;

    /// <summary>Firings this node took up for a flow it loads (runs, and firings that found the flow off), for figures.</summary>
    internal int StartedRuns;

    /// <summary>Firings of this node's jobs that have not returned yet (tests wait for the node to settle).</summary>
    internal int FiringsInProgress;

    /// <summary>How many reloads of the rules folder this node finished, and whether it fires triggers yet (tests).</summary>
    internal int Reloads { get; private set; }
    internal bool Started { get; private set; }

    /// <summary>The flows this node has in service.</summary>
    public IReadOnlyCollection<LoadedFlow> Flows => [.. _inService.Values];

    internal IScheduler Scheduler => _scheduler ?? throw new InvalidOperationException("the cluster node is not running");

    public void RequestRescan()
    {
        _rescanRequested = true;
        _wake.TrySetResult();
    }

    public async Task<bool> RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        Stopping = stopping;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(abort);
        _scheduler = await BuildSchedulerAsync();
        logger.LogInformation("Cluster node {Node} started on {Directory}: at most {MaxParallel} flows at once on this node; a dead node's flows move here within about {Seconds} s",
            NodeId, catalog.Directory, options.MaxParallel, (cluster.CheckinInterval + cluster.CheckinMisfireThreshold).TotalSeconds);
        var nextRescan = DateTimeOffset.MinValue;
        var started = false;
        while (!stopping.IsCancellationRequested && !_abort.IsCancellationRequested)
        {
            _wake = NewWake();
            var now = clock.GetUtcNow();
            try
            {
                if (_rescanRequested || now >= nextRescan)
                {
                    _rescanRequested = false;
                    nextRescan = now + options.RescanInterval;
                    await ReloadAsync(now);
                    await RepairClockTriggersAsync(now);
                    await RefreshNextRunsAsync();
                    await _hashes.ReportDifferencesAsync(_inService, logger, stopping);
                    Reloads++;
                }
                if (!started)
                {
                    // Flows are registered before this node fires anything, so its first firings find them loaded.
                    await _scheduler.Start(stopping);
                    started = true;
                    Started = true;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested || _abort.IsCancellationRequested)
            {
                break; // stopped in the middle of a reload: what was registered stays, the next start checks it again
            }
            catch (Exception e)
            {
                logger.LogError(e, "Cluster node {Node}: reloading or registering flows failed (the database may be unreachable); retrying", NodeId);
            }
            await WaitAsync(_rescanRequested ? FlowScheduler.RescanDelay : options.RescanInterval, stopping);
        }
        return await DrainAsync();
    }

    private async Task<IScheduler> BuildSchedulerAsync()
    {
        var scheduler = await QuartzSchedulerBuilder.Create(quartz =>
        {
            quartz.ConfigureScheduler(o =>
            {
                o.InstanceName = ClusterOptions.SchedulerName;
                o.InstanceId = NodeId;
            });
            quartz.UseTimeProvider(clock);
            quartz.UseDefaultThreadPool(options.MaxParallel);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(cluster.ConnectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(c =>
                {
                    c.CheckinInterval = cluster.CheckinInterval;
                    c.CheckinMisfireThreshold = cluster.CheckinMisfireThreshold;
                });
                store.ConfigureStore(o =>
                {
                    // Our migrations create the tables (ClusterSchema); Quartz only checks they are there.
                    o.SchemaProvisioning = SchemaProvisioning.Validate;
                    o.StoreJobDataAsStrings = true;
                });
            });
            quartz.Services.AddSingleton(this);
            if (quartzLogging is not null) quartz.Services.AddSingleton(quartzLogging);
        }).BuildScheduler();
        return scheduler;
    }

    /// <summary>The version of <paramref name="flow"/> this node has in service, counted as running until
    /// <see cref="RunEnded"/>; null when this node does not load it.</summary>
    internal LoadedFlow? RunStarting(string flow)
    {
        lock (_gate)
        {
            if (!_inService.TryGetValue(flow, out var version)) return null;
            _runsOf[version] = _runsOf.GetValueOrDefault(version) + 1;
            Interlocked.Increment(ref StartedRuns);
            return version;
        }
    }

    internal void RunEnded(LoadedFlow version)
    {
        lock (_gate)
        {
            if (--_runsOf[version] > 0) return;
            _runsOf.Remove(version);
            if (_retired.Remove(version)) version.Unload();
        }
    }

    /// <summary>Logs "Flow X switched off/on" when a firing on this node finds the switch changed since this node last
    /// looked (the same line as on one machine; in a cluster the node that fires next says it).</summary>
    internal void NoteSwitch(string flow, bool enabled)
    {
        if (_switches.TryGetValue(flow, out var known) ? known == enabled : enabled) { _switches[flow] = enabled; return; }
        _switches[flow] = enabled;
        logger.LogInformation("Flow {Flow} switched {State}", flow, enabled ? "on" : "off");
    }

    private readonly ConcurrentDictionary<string, bool> _switches = new(StringComparer.Ordinal);

    /// <summary>Tracks a run's task, so a stop waits for it.</summary>
    internal void Track(Task run)
    {
        _runs[run] = true;
        run.ContinueWith(t => _runs.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task ReloadAsync(DateTimeOffset now)
    {
        var changes = catalog.Rescan();
        PublishProblems();
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case CatalogChangeKind.Added:
                    await AddAsync(change.New!, now, replaced: null);
                    break;
                case CatalogChangeKind.Replaced when change.Old!.Name == change.New!.Name:
                    await AddAsync(change.New!, now, replaced: change.Old);
                    break;
                case CatalogChangeKind.Replaced:
                    await RemoveAsync(change.Old!);
                    await AddAsync(change.New!, now, replaced: null);
                    break;
                case CatalogChangeKind.Removed:
                    await RemoveAsync(change.Old!);
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

    private async Task AddAsync(LoadedFlow version, DateTimeOffset now, LoadedFlow? replaced)
    {
        var scheduler = Scheduler;
        var jobKey = FlowJobKeys.Job(version.Name);
        if (!await scheduler.Exists(jobKey, Stopping))
            await scheduler.AddJob(JobBuilder.Create<FlowJob>().WithIdentity(jobKey).StoreDurably().RequestRecovery()
                .WithDescription("a RulesEngine flow").Build(), new AddJobOptions { Replace = true }, Stopping);
        lock (_gate)
        {
            _inService[version.Name] = version;
            if (replaced is not null)
            {
                if (_runsOf.ContainsKey(replaced)) _retired.Add(replaced);
                else replaced.Unload();
            }
        }
        var next = await ScheduleClockAsync(version, now, onlyIfMissing: false);
        NoteNextRun(version.Name, next);
        await _hashes.RecordAsync(version, Stopping);
        logger.LogInformation("{Verb} {Flow} from {File}: {Triggers}; next run {Next} (on whichever node the cluster picks)",
            replaced is null ? "Loaded" : "Reloaded", version.Name, version.FilePath, version.Flow.Triggers.Describe(), next?.ToString("u") ?? "none");
    }

    /// <summary>Makes the flow's clock trigger match this node's version: scheduled at <see cref="TriggerTimes.FirstDue"/>
    /// when there is none, or when the one stored was scheduled by a version with other triggers; kept otherwise (the
    /// cluster already knows when the flow is next due). Returns the next time.</summary>
    private async Task<DateTimeOffset?> ScheduleClockAsync(LoadedFlow version, DateTimeOffset now, bool onlyIfMissing)
    {
        // Nodes starting together all find no trigger: the check and the creation are one step per flow, cluster-wide,
        // or each would add one and the flow would fire once per node.
        await using var flowLock = await FlowLock.TakeAsync(cluster.ConnectionString, version.Name, Stopping);
        var scheduler = Scheduler;
        var triggers = version.Flow.Triggers;
        var clocks = await ClockTriggersAsync(version.Name);
        var pending = clocks.Where(t => t.NextFireTimeUtc is not null).ToList();
        var described = Describe(triggers);
        if (pending.Count > 0 && (onlyIfMissing || pending.All(t => t.JobDataMap.GetString(FlowJobKeys.TriggersKey) == described)))
            return pending.Min(t => t.NextFireTimeUtc);
        // A clock firing in flight stores the next time itself, from the version in service when it fired.
        if (pending.Count == 0 && clocks.Count > 0) return null;
        if (onlyIfMissing && !triggers.HasClock) return null;
        var lastRun = store.ListRuns(version.Name, 1).FirstOrDefault()?.StartedAt;
        var due = TriggerTimes.FirstDue(triggers, lastRun, now);
        foreach (var stale in pending) await scheduler.UnscheduleJob(stale.Key, Stopping);
        if (due is null) return null;
        if (onlyIfMissing)
            logger.LogWarning("Flow {Flow} had no clock trigger in the cluster (a node stopped while firing it); scheduled again for {Due}", version.Name, due.Value.ToString("u"));
        await scheduler.ScheduleJob(ClockTrigger(version.Name, triggers, due.Value), new ScheduleJobOptions(), Stopping);
        return due;
    }

    /// <summary>The flow's clock triggers: normally one waiting, plus the one firing while a clock run is in flight.</summary>
    internal async Task<IReadOnlyList<ITrigger>> ClockTriggersAsync(string flow) =>
        [.. (await Scheduler.GetTriggersOfJob(FlowJobKeys.Job(flow), Stopping)).Where(t => t.Key.Group == FlowJobKeys.ClockGroup)];

    /// <summary>The one-shot trigger of a flow's next clock time. Misfired (no node could fire it in time: all were
    /// down, or the flow was still running) it fires at once; <see cref="FlowJob"/> then applies <c>missedRuns</c>.</summary>
    internal ITrigger ClockTrigger(string flow, FlowTriggers triggers, DateTimeOffset due) =>
        TriggerBuilder.Create(clock).WithIdentity(FlowJobKeys.NewClock(flow)).ForJob(FlowJobKeys.Job(flow))
            .StartAt(due)
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .UsingJobData(FlowJobKeys.TriggersKey, Describe(triggers))
            .Build();

    internal static string Describe(FlowTriggers triggers) => $"{triggers.Describe()}; missedRuns {triggers.MissedRuns}";

    /// <summary>A flow with a clock trigger must have one stored; a node that died between firing the trigger and
    /// storing the next one leaves none (rare). Checked every rescan.</summary>
    private async Task RepairClockTriggersAsync(DateTimeOffset now)
    {
        foreach (var version in _inService.Values.Where(v => v.Flow.Triggers.HasClock))
            await ScheduleClockAsync(version, now, onlyIfMissing: true);
    }

    private async Task RemoveAsync(LoadedFlow old)
    {
        lock (_gate)
        {
            if (!_inService.TryRemove(new KeyValuePair<string, LoadedFlow>(old.Name, old))) return;
            if (_runsOf.ContainsKey(old)) _retired.Add(old);
            else old.Unload();
        }
        // Every node runs the same rules: a file deleted here is deleted everywhere, so the flow leaves the cluster.
        await Scheduler.DeleteJob(FlowJobKeys.Job(old.Name), Stopping);
        await _hashes.ForgetAsync(old.Name, Stopping);
        logger.LogInformation("Flow {Flow} removed ({File} is gone or renamed it); removed from the cluster", old.Name, old.FilePath);
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        if (_wake.Task.IsCompleted && !_rescanRequested) return;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, _abort.Token);
        await Task.WhenAny(Task.Delay(delay, clock, cancel.Token), _rescanRequested ? Task.Delay(Timeout.Infinite, cancel.Token) : _wake.Task);
        await cancel.CancelAsync();
    }

    private async Task<bool> DrainAsync()
    {
        var scheduler = Scheduler;
        // No new firing on this node; what it would have fired goes to the other nodes.
        await scheduler.Standby(CancellationToken.None);
        var inFlight = Task.WhenAll(_runs.Keys);
        var graceful = true;
        if (!inFlight.IsCompleted)
        {
            logger.LogInformation("Stopping: waiting up to {Seconds} s for {Count} run(s) to finish their current step", options.StopTimeout.TotalSeconds, _runs.Count);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
            await Task.WhenAny(inFlight, Task.Delay(options.StopTimeout, clock, bound.Token));
            await bound.CancelAsync();
            if (!inFlight.IsCompleted)
            {
                graceful = false;
                logger.LogWarning("Stopping at once: cutting {Count} run(s); what they recorded is kept and replayed by the next run", _runs.Count);
                await _abort.CancelAsync();
                await Task.WhenAny(inFlight, Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, CancellationToken.None));
            }
        }
        graceful &= !_abort.IsCancellationRequested;
        await scheduler.Shutdown(waitForJobsToComplete: false, CancellationToken.None);
        lock (_gate)
        {
            foreach (var version in _inService.Values.Concat(_retired).Where(v => !_runsOf.ContainsKey(v))) version.Unload();
        }
        logger.LogInformation("Cluster node {Node} stopped{How}", NodeId, graceful ? "" : " (runs were cut)");
        return graceful;
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
