using System.Diagnostics;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Telemetry;

/// <summary>
/// The spans of a run: <c>rulesengine.run</c> → one <c>rulesengine.row</c> per row → <c>rulesengine.step</c> per
/// receiver call → the HTTP client spans of that call (OpenTelemetry's HTTP instrumentation parents them on the step,
/// which is <see cref="Activity.Current"/> while the receiver runs).
/// <para>
/// The rows of a batch walk through the steps together, so a row span is never <see cref="Activity.Current"/>: it is
/// started and ended beside the run span. A step called for one row is that row's child; a step called once for a
/// batch of rows (a batched HelpCrunch search) is the run's child and links to each row of the batch.
/// </para>
/// Nothing here is created when no listener samples the engine's source (StartActivity returns null).
/// </summary>
internal static class EngineTracing
{
    public const string RunOperation = "rulesengine.run";
    public const string RowOperation = "rulesengine.row";
    public const string StepOperation = "rulesengine.step";

    public static Activity? StartRun(string flow, string kind)
    {
        var run = EngineTelemetry.Source.StartActivity(RunOperation, ActivityKind.Internal);
        if (run is null) return null;
        run.DisplayName = $"{kind} {flow}";
        run.SetTag(TagNames.SpanFlow, flow);
        run.SetTag(TagNames.SpanRunKind, kind);
        return run;
    }

    public static void EndRun(Activity? run, string runId, string result)
    {
        if (run is null) return;
        if (runId.Length > 0) run.SetTag(TagNames.SpanRunId, runId);
        run.SetTag(TagNames.SpanRunResult, result);
        if (result != EngineMetrics.RunResults.Completed) run.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>A row's span, a child of <paramref name="run"/>, left out of <see cref="Activity.Current"/>.</summary>
    public static Activity? StartRow(Activity? run, SourceItem item)
    {
        if (run is null) return null;
        var previous = Activity.Current;
        var row = EngineTelemetry.Source.StartActivity(RowOperation, ActivityKind.Internal, run.Context);
        Activity.Current = previous;
        if (row is null) return null;
        row.DisplayName = "row";
        // The row's number in the sheet, never its cells: span attributes are exported to other systems.
        row.SetTag(TagNames.SpanRowNumber, item.Number);
        return row;
    }

    public static void EndRow(Activity? row, string outcome)
    {
        if (row is null) return;
        row.SetTag(TagNames.SpanRowOutcome, outcome);
        if (outcome is RowOutcome.Failed or RowOutcome.Held or RowOutcome.DeliveryUnknown) row.SetStatus(ActivityStatusCode.Error);
        StopDetached(row);
    }

    /// <summary>Starts the span of one receiver call and makes it current (call it inside an async method, whose end
    /// restores <see cref="Activity.Current"/>).</summary>
    public static Activity? StartStep(ReceiverStep step, IReadOnlyList<ItemRun> items)
    {
        if (!EngineTelemetry.Source.HasListeners()) return null;
        Activity? span;
        if (items is [{ Span: { } row }])
        {
            span = EngineTelemetry.Source.StartActivity(StepOperation, ActivityKind.Internal, row.Context);
        }
        else
        {
            var links = items.Where(i => i.Span is not null).Select(i => new ActivityLink(i.Span!.Context)).ToList();
            span = EngineTelemetry.Source.StartActivity(StepOperation, ActivityKind.Internal, Activity.Current?.Context ?? default, links: links);
        }
        if (span is null) return null;
        span.DisplayName = step.Type;
        span.SetTag(TagNames.SpanStepId, step.Id);
        span.SetTag(TagNames.SpanStepType, step.Type);
        span.SetTag(TagNames.SpanRows, items.Count);
        return span;
    }

    public static void EndStep(Activity? span, IReadOnlyList<StepOutcome?> outcomes)
    {
        if (span is null) return;
        var statuses = outcomes.Where(o => o is not null).Select(o => EngineMetrics.StepOutcomeText(o!.Status)).Distinct().ToList();
        span.SetTag(TagNames.SpanStepOutcome, statuses.Count == 1 ? statuses[0] : string.Join(",", statuses.Order(StringComparer.Ordinal)));
        if (outcomes.Any(o => o is { Status: not OutcomeStatus.Succeeded })) span.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>Stops a span that is not <see cref="Activity.Current"/> without disturbing what is.</summary>
    private static void StopDetached(Activity span)
    {
        var previous = Activity.Current;
        span.Stop();
        Activity.Current = previous;
    }
}
