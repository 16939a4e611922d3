using System.Diagnostics.Metrics;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Telemetry;

/// <summary>
/// The engine's instruments and the only code that records to them. Names follow OpenTelemetry (dots, a unit); the
/// Prometheus exporter turns <c>rulesengine.rows</c> into <c>rulesengine_rows_total</c> and a histogram in seconds into
/// <c>..._seconds_bucket</c>. Renaming one breaks users' dashboards and alert rules (deploy/prometheus/).
/// </summary>
internal static class EngineMetrics
{
    public const string RowsName = "rulesengine.rows";
    public const string StepCallsName = "rulesengine.step.calls";
    public const string StepDurationName = "rulesengine.step.duration";
    public const string ApiRequestsName = "rulesengine.api.requests";
    public const string RetriesName = "rulesengine.retries";
    public const string RunsName = "rulesengine.runs";
    public const string RunDurationName = "rulesengine.run.duration";

    private static readonly Counter<long> Rows = EngineTelemetry.Meter.CreateCounter<long>(RowsName, "{row}",
        "Rows whose outcome a run recorded, by flow and outcome (done, handled, failed, held, deliveryUnknown, skipped).");

    private static readonly Counter<long> StepCalls = EngineTelemetry.Meter.CreateCounter<long>(StepCallsName, "{call}",
        "Receiver step outcomes, one per row a step was called for, by step type and outcome (succeeded, failed, held).");

    private static readonly Histogram<double> StepDuration = EngineTelemetry.Meter.CreateHistogram(StepDurationName, "s",
        "How long one call of a receiver step took (one call serves a batch of rows when the step batches).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

    private static readonly Counter<long> ApiRequests = EngineTelemetry.Meter.CreateCounter<long>(ApiRequestsName, "{request}",
        "HTTP requests to the services, every attempt counted, by service and HTTP status (error: no answer).");

    private static readonly Counter<long> Retries = EngineTelemetry.Meter.CreateCounter<long>(RetriesName, "{retry}",
        "Retries of a service call after a transient failure, by the step type (or source type) that made the call.");

    private static readonly Counter<long> Runs = EngineTelemetry.Meter.CreateCounter<long>(RunsName, "{run}",
        "Runs by flow and result (completed, failed, stopped, busy).");

    private static readonly Histogram<double> RunDuration = EngineTelemetry.Meter.CreateHistogram(RunDurationName, "s",
        "How long a run took, by flow and result.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    /// <summary>Values of the <c>result</c> label of <c>rulesengine.runs</c>.</summary>
    public static class RunResults
    {
        public const string Completed = "completed";
        /// <summary>The run failed as a whole (the source could not be read, a step broke the run); the flow file
        /// that does not load is recorded like one.</summary>
        public const string Failed = "failed";
        /// <summary>Cut at once (a second stop signal, or the stop bound passed).</summary>
        public const string Stopped = "stopped";
        /// <summary>Not run: another process held the flow's lease.</summary>
        public const string Busy = "busy";
    }

    private static readonly string[] RowOutcomes =
        [RowOutcome.Done, RowOutcome.Handled, RowOutcome.Failed, RowOutcome.Held, RowOutcome.DeliveryUnknown, RowOutcome.Skipped];

    private static readonly string[] AllRunResults = [RunResults.Completed, RunResults.Failed, RunResults.Stopped, RunResults.Busy];

    /// <summary>
    /// Makes the flow's row and run series exist, at 0, before its first row or result is counted. Prometheus'
    /// <c>increase()</c> cannot see the first step of a series that appears at 1, so without this the first held or
    /// delivery-unknown row after a restart would never fire an alert (deploy/prometheus/rulesengine-alerts.yml).
    /// </summary>
    public static void FlowStarting(string flow)
    {
        if (Rows.Enabled)
            foreach (var outcome in RowOutcomes) Rows.Add(0, new(TagNames.Flow, flow), new(TagNames.Outcome, outcome));
        if (Runs.Enabled)
            foreach (var result in AllRunResults) Runs.Add(0, new(TagNames.Flow, flow), new(TagNames.Result, result));
    }

    public static void RowRecorded(string flow, ItemReport row)
    {
        if (!Rows.Enabled) return;
        Rows.Add(1, new(TagNames.Flow, flow), new(TagNames.Outcome, RowOutcome.Of(row)));
    }

    public static void StepAnswered(string stepType, OutcomeStatus status)
    {
        if (!StepCalls.Enabled) return;
        StepCalls.Add(1, new(TagNames.StepType, stepType), new(TagNames.Outcome, StepOutcomeText(status)));
    }

    public static void StepCallTook(string stepType, TimeSpan elapsed) =>
        StepDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(TagNames.StepType, stepType));

    public static void ApiRequest(string service, string status)
    {
        if (!ApiRequests.Enabled) return;
        ApiRequests.Add(1, new(TagNames.Service, service), new(TagNames.Status, status));
    }

    /// <summary>A client is about to wait and try a call again; counted under the step type making the call.</summary>
    public static void RetryScheduled() =>
        Retries.Add(1, new KeyValuePair<string, object?>(TagNames.StepType, CallerScope.StepType));

    public static void RunEnded(string flow, string result, TimeSpan elapsed)
    {
        Runs.Add(1, new(TagNames.Flow, flow), new(TagNames.Result, result));
        RunDuration.Record(elapsed.TotalSeconds, new(TagNames.Flow, flow), new(TagNames.Result, result));
    }

    /// <summary>A trigger skipped because another process runs the flow: a run that did not happen, no duration.</summary>
    public static void RunSkippedBusy(string flow) =>
        Runs.Add(1, new(TagNames.Flow, flow), new(TagNames.Result, RunResults.Busy));

    /// <summary>A flow file that stopped loading, recorded in the history as a failed run: counted as one, without a
    /// duration (nothing ran).</summary>
    public static void FlowFileBroken(string flow) =>
        Runs.Add(1, new(TagNames.Flow, flow), new(TagNames.Result, RunResults.Failed));

    public static string RunResultOf(RunStatus status) => status == RunStatus.Completed ? RunResults.Completed : RunResults.Failed;

    public static string StepOutcomeText(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Succeeded => "succeeded",
        OutcomeStatus.Failed => "failed",
        _ => "held",
    };
}
