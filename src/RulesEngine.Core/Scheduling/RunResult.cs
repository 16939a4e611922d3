using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

internal enum RunOutcome
{
    /// <summary>The run ended and is recorded (see <see cref="RunResult.Status"/>).</summary>
    Finished,

    /// <summary>Another process was running the flow (its lease was taken): this trigger was skipped.</summary>
    Busy,

    /// <summary>The run was cut short (a second stop signal, or the stop bound passed); the journal keeps what
    /// was recorded and the next run replays the rest.</summary>
    Aborted,
}

/// <summary>How one scheduled run ended. <see cref="Report"/> is set when <see cref="Outcome"/> is Finished.</summary>
internal sealed record RunResult(RunOutcome Outcome, RunReport? Report, string Error)
{
    public RunStatus? Status => Report?.Status;

    public static RunResult Finished(RunReport report) => new(RunOutcome.Finished, report, report.Error);
    public static RunResult Busy(string holder) => new(RunOutcome.Busy, null, $"already running ({holder})");
    public static RunResult Aborted(string why) => new(RunOutcome.Aborted, null, why);
}
