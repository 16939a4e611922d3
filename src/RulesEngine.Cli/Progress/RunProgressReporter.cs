using RulesEngine.Cli.Output;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Progress;

/// <summary>
/// Shows a <c>run</c> or <c>replay</c> working, on the error output (the output stays the run's report): on a
/// terminal one live line rewritten in place a few times a second; otherwise (piped, captured, CI) a plain line
/// every <see cref="PlainInterval"/>. The runner only counts (<see cref="RowDone"/> takes a lock for a few
/// increments); drawing happens on a timer of the environment's clock, so watching never slows the run and a test
/// drives it with a fake clock. Disposed after a cancellation (Ctrl+C), it prints what the run did.
/// </summary>
internal sealed class RunProgressReporter : IRunProgress, IDisposable
{
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(250);

    private const string ClearLine = "\r\u001b[2K"; // carriage return, then ANSI "erase the whole line"

    private readonly Console _console;
    private readonly string _verb;
    private readonly CancellationToken _cancellation;
    private readonly TimeProvider _clock;
    private readonly bool _live;
    private readonly object _gate = new();
    private readonly RunLines? _lines;
    private ITimer? _timer;
    private long _startedAt;
    private string _runId = "";
    private int _total;
    private int _recorded;
    private int _skipped;
    private int _failed;
    private int _held;
    private bool _drawn;
    private bool _stopped;

    /// <param name="verb">"run" or "replay", for the summary.</param>
    /// <param name="cancellation">The verb's token: cancelled means Ctrl+C, and disposing then prints the summary.</param>
    /// <param name="lines">The run's row lines, written as rows are recorded (the reporter keeps no row): the Ctrl+C
    /// summary prints them.</param>
    public RunProgressReporter(Console console, string verb, CancellationToken cancellation, RunLines? lines = null)
    {
        _lines = lines;
        _console = console;
        _verb = verb;
        _cancellation = cancellation;
        _clock = console.Environment.Clock;
        _live = console.Environment.ErrorsIsTerminal;
    }

    public void Started(string runId, int rows)
    {
        lock (_gate)
        {
            _runId = runId;
            _total = rows;
            _startedAt = _clock.GetTimestamp();
            if (rows == 0 || _stopped) return; // nothing to watch
            var interval = _live ? LiveInterval : PlainInterval;
            _timer = _clock.CreateTimer(_ => Draw(), null, interval, interval);
        }
    }

    public void RowDone(ItemReport row)
    {
        lock (_gate)
        {
            _recorded++;
            if (row.Status == RowStatus.Skipped) _skipped++;
            if (row.Status == RowStatus.Held) _held++;
            if (row.Status != RowStatus.Held && row.Attention.NeedsPerson) _failed++; // failures the flow handled are not counted
        }
    }

    public void WaitingForLease(string holder) =>
        _console.Error($"{_verb}: the flow is already running ({holder}); waiting for that run to end (--wait)");

    /// <summary>The counts now (for the line, the summary and tests).</summary>
    public ProgressSnapshot Snapshot()
    {
        lock (_gate) return new ProgressSnapshot(_total, _recorded, _failed, _held, _clock.GetElapsedTime(_startedAt));
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_stopped) return;
            var line = $"{_verb} {_runId}: " + new ProgressSnapshot(_total, _recorded, _failed, _held, _clock.GetElapsedTime(_startedAt)).Describe();
            if (_live)
            {
                var width = _console.Environment.TerminalWidth;
                if (width > 10 && line.Length >= width) line = line[..(width - 2)] + "…";
                _console.ErrorWriter.Write(ClearLine + line);
                _console.ErrorWriter.Flush();
                _drawn = true;
            }
            else
            {
                _console.Error("progress: " + line);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            _timer?.Dispose();
            if (_drawn) _console.ErrorWriter.Write(ClearLine); // the report takes the line's place
        }
        if (_cancellation.IsCancellationRequested) PrintStopped();
    }

    /// <summary>Ctrl+C: what was done before the stop, the way a finished run reports it.</summary>
    private void PrintStopped()
    {
        var snapshot = Snapshot();
        int skipped;
        lock (_gate) skipped = _skipped;
        _console.Out($"{_verb} {(_runId.Length > 0 ? _runId : "(not started)")} stopped by Ctrl+C after {ProgressSnapshot.Duration(snapshot.Elapsed)}: " +
            $"{snapshot.Done} of {snapshot.Total} row(s) recorded ({snapshot.Failed} need a person, {snapshot.Held} held, {skipped} skipped); " +
            "rows not reached are taken by the next run, and a call cut off is settled from the journal");
        _lines?.WriteRows(_console.Writer);
    }
}
