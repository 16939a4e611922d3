namespace RulesEngine.Core.Telemetry;

/// <summary>The names of the tags on the engine's metrics (Prometheus labels) and spans.</summary>
internal static class TagNames
{
    // Metric labels: short, so PromQL reads naturally (rulesengine_rows_total{flow="x", outcome="held"}).
    public const string Flow = "flow";
    public const string Outcome = "outcome";
    public const string Result = "result";
    public const string StepType = "step_type";
    public const string Service = "service";
    public const string Status = "status";

    // Span attributes: namespaced, as OpenTelemetry asks of attributes that are not its own conventions.
    public const string SpanFlow = "rulesengine.flow";
    public const string SpanRunId = "rulesengine.run.id";
    public const string SpanRunKind = "rulesengine.run.kind";
    public const string SpanRunResult = "rulesengine.run.result";
    public const string SpanRows = "rulesengine.rows";
    public const string SpanRowNumber = "rulesengine.row.number";
    public const string SpanRowOutcome = "rulesengine.row.outcome";
    public const string SpanStepId = "rulesengine.step.id";
    public const string SpanStepType = "rulesengine.step.type";
    public const string SpanStepOutcome = "rulesengine.step.outcome";
}
