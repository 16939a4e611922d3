using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RulesEngine.Core.Telemetry;

/// <summary>
/// The one Meter and the one ActivitySource the engine records to, both named <see cref="Name"/>. They cost next to
/// nothing until a listener subscribes (<c>serve</c> registers OpenTelemetry; <c>run</c> and the tests may not), so
/// the engine records unconditionally. Every name a dashboard or an alert rule depends on is a constant here or in
/// <see cref="EngineMetrics"/>; docs/monitoring.md lists them.
/// </summary>
/// <remarks>
/// Tag values are bounded and never carry row data or secrets: flow names, step types, service names, enumerated
/// outcomes and HTTP status codes only (no cell value, e-mail, URL or error text), so the number of series stays that
/// of the flows and step types an operator wrote.
/// </remarks>
internal static class EngineTelemetry
{
    /// <summary>The name of the Meter and of the ActivitySource ("RulesEngine").</summary>
    public const string Name = "RulesEngine";

    private static readonly string? Version = typeof(EngineTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(Name, Version);

    public static readonly ActivitySource Source = new(Name, Version);
}
