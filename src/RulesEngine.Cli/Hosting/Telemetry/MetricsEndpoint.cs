using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace RulesEngine.Cli.Hosting.Telemetry;

/// <summary>Where a web host (the console inside <c>serve</c>) serves the engine's metrics.</summary>
internal static class MetricsEndpoint
{
    public const string DefaultPath = "/metrics";

    /// <summary>
    /// Maps <paramref name="path"/> to the metrics registered by <see cref="TelemetryRegistration.AddRulesEngineTelemetry"/>,
    /// in Prometheus text format. The host's authentication applies as to any endpoint (the console puts it behind its
    /// token); the returned builder takes more conventions (<c>RequireAuthorization</c>, ...).
    /// </summary>
    /// <param name="meterProvider">The provider to serve when it lives in another container than the endpoints' own
    /// (serve registers telemetry in its host; the console is a web application of its own).</param>
    public static IEndpointConventionBuilder MapRulesEngineMetrics(this IEndpointRouteBuilder endpoints, string path = DefaultPath,
        OpenTelemetry.Metrics.MeterProvider? meterProvider = null) =>
        endpoints.MapPrometheusScrapingEndpoint(path, meterProvider, configureBranchedPipeline: null, optionsName: null);
}
