using RulesEngine.Core.Telemetry;

namespace RulesEngine.Sdk;

/// <summary>
/// What the engine tells a receiver about the call it is making, beside the cancellation token, and what the
/// receiver's client tells the engine back. It is ambient (<see cref="Current"/>, flowing with the async call like a
/// logging scope), so a connector's HTTP client deep inside a step reaches it without every method taking one more
/// parameter, and a receiver that ignores it behaves as before.
/// <list type="bullet">
/// <item><see cref="Stopping"/>: the run was asked to stop (SIGTERM, Ctrl+C in the daemon). The attempt in flight goes
/// on (only the cancellation token cuts it, at <c>--stop-timeout</c>), but no new attempt, pacing wait or retry wait
/// may start: the client ends with the last failure, which holds the item.</item>
/// <item>Attempt reports, for receivers with a resume policy (<see cref="IResumableReceiver"/>), whose in-flight
/// marker must say whether the call may have reached the service. <see cref="AttemptStarting"/> before each attempt;
/// <see cref="AttemptRefused"/> when an attempt certainly did nothing (a 429, an error answer that says nothing was
/// done, a refused connection) and the client is about to wait and try again; <see cref="EffectPossible"/> once any
/// attempt may have acted (no answer after the request went out, or an earlier part of the call succeeded). The engine
/// then records "not sent" (the marker is cleared) during a retry wait, so a process killed in that wait simply calls
/// again on the next run instead of treating the call as interrupted; once an effect is possible it never does.</item>
/// </list>
/// </summary>
public sealed class StepCall
{
    private static readonly AsyncLocal<StepCall?> Ambient = new();

    /// <summary>Outside any engine call (tests, tools): never stopping, reports go nowhere.</summary>
    public static readonly StepCall None = new(CancellationToken.None, null);

    private readonly MarkerState? _marker;

    private StepCall(CancellationToken stopping, MarkerState? marker)
    {
        Stopping = stopping;
        _marker = marker;
    }

    /// <summary>The call the current async flow belongs to; <see cref="None"/> when there is none.</summary>
    public static StepCall Current => Ambient.Value ?? None;

    /// <summary>Cancelled when the run is asked to stop. Not a reason to cut the attempt in flight.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>True once the run is asked to stop: start no new attempt or item.</summary>
    public bool IsStopping => Stopping.IsCancellationRequested;

    /// <summary>Why an item was not called because the run was stopping.</summary>
    public const string StoppingReason = "the run was stopping: not called; the row runs again on the next run";

    /// <summary>The outcome of an item a receiver did not call because the run is stopping: held, nothing sent.</summary>
    public static StepOutcome NotCalled() => StepOutcome.Held(StoppingReason) with { NoEffect = true };

    /// <summary>What a client adds to the error of a failure it did not retry because the run is stopping.</summary>
    public const string NotRetriedNote = " (not retried: the run is stopping)";

    /// <summary>An attempt is about to go out: the marker says "sending" again if a refusal had cleared it.</summary>
    public void AttemptStarting() => _marker?.Starting();

    /// <summary>The attempt that just ended certainly did not act, and the client will wait and try again.</summary>
    /// <remarks>Every client calls this from its retry policy's <c>OnRetry</c>, once per retry, which makes it the
    /// place where retries are counted (<see cref="EngineMetrics.RetryScheduled"/>).</remarks>
    public void AttemptRefused()
    {
        EngineMetrics.RetryScheduled();
        _marker?.Refused();
    }

    /// <summary>This call may have acted (or certainly did, in part): from now on it is never recorded as "not sent".</summary>
    public void EffectPossible() => _marker?.EffectPossible();

    /// <summary>Makes <paramref name="call"/> current until the result is disposed.</summary>
    public static IDisposable Enter(StepCall call)
    {
        var previous = Ambient.Value;
        Ambient.Value = call;
        return new Restore(previous);
    }

    /// <summary>A call that reports to nothing but stops with <paramref name="stopping"/>.</summary>
    public static StepCall ForStopping(CancellationToken stopping) => new(stopping, null);

    /// <summary>The same call, also stopping when <paramref name="stopping"/> is cancelled (reports go where this one's go).</summary>
    public StepCall WithStopping(CancellationToken stopping) => new(stopping, _marker);

    /// <summary>
    /// A call whose marker the engine keeps: <paramref name="markSending"/> writes "sending" (the call may reach the
    /// service), <paramref name="markNotSent"/> records that nothing was sent. <paramref name="effectPossible"/>: an
    /// earlier, interrupted call may already have acted (a resumed call), so "not sent" is never recorded.
    /// </summary>
    public static StepCall ForMarker(Action markSending, Action markNotSent, bool effectPossible) =>
        new(CancellationToken.None, new MarkerState(markSending, markNotSent, effectPossible));

    private sealed class MarkerState(Action markSending, Action markNotSent, bool effectPossible)
    {
        private readonly object _gate = new();
        private bool _effectPossible = effectPossible;
        private bool _notSent;

        public void Starting()
        {
            lock (_gate)
            {
                if (!_notSent) return;
                _notSent = false;
                markSending();
            }
        }

        public void Refused()
        {
            lock (_gate)
            {
                if (_effectPossible || _notSent) return;
                _notSent = true;
                markNotSent();
            }
        }

        public void EffectPossible()
        {
            lock (_gate)
            {
                _effectPossible = true;
                if (!_notSent) return;
                // Defensive: an effect reported while the marker says "not sent" must put the marker back.
                _notSent = false;
                markSending();
            }
        }
    }

    private sealed class Restore(StepCall? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
