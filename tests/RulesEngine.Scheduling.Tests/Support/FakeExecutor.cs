using System.Collections.Concurrent;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>Records which flows the scheduler started. Runs end at once with <see cref="Status"/>, unless
/// <see cref="Hold"/> is set: then they wait until the test calls <see cref="Finish"/>.</summary>
internal sealed class FakeExecutor : IFlowRunExecutor
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RunResult>> _held = new();

    private readonly SemaphoreSlim _calls = new(0);

    public ConcurrentQueue<string> Started { get; } = new();

    /// <summary>Waits until <paramref name="count"/> more runs have reached the executor (they start on the pool).</summary>
    public async Task WaitForCallsAsync(int count)
    {
        for (var i = 0; i < count; i++)
            Assert.True(await _calls.WaitAsync(TimeSpan.FromSeconds(10)), "a started run never reached the executor");
    }
    public bool Hold { get; set; }
    public Func<string, RunStatus> Status { get; set; } = _ => RunStatus.Completed;
    public Func<string, bool> Busy { get; set; } = _ => false;

    public string[] TakeStarted()
    {
        var names = new List<string>();
        while (Started.TryDequeue(out var name)) names.Add(name);
        return [.. names];
    }

    public Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort)
    {
        Started.Enqueue(flow.Name);
        _calls.Release();
        if (Busy(flow.Name)) return Task.FromResult(RunResult.Busy("pid 1 on elsewhere"));
        if (!Hold) return Task.FromResult(Result(flow.Name, Status(flow.Name)));
        var pending = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _held[flow.Name] = pending;
        return pending.Task;
    }

    /// <summary>How many runs wait for <see cref="Finish"/>.</summary>
    public int HeldCount => _held.Count;

    public bool IsHeld(string flow) => _held.ContainsKey(flow);

    public void Finish(string flow, RunStatus status = RunStatus.Completed)
    {
        Assert.True(_held.TryRemove(flow, out var pending), $"{flow} is not running");
        pending.SetResult(Result(flow, status));
    }

    private static RunResult Result(string flow, RunStatus status) =>
        RunResult.Finished(new RunReport("run-" + Guid.NewGuid().ToString("N")[..6], flow, "", status, status == RunStatus.Failed ? "boom" : "", [], 0, "", TimeSpan.Zero));
}
