using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace RulesEngine.Cli.Hosting.Telemetry;

/// <summary>Where a web host (the console inside <c>serve</c>) serves the engine's metrics.</summary>
public static class MetricsEndpoint
{
    public const string DefaultPath = "/metrics";

    /// <summary>
    /// Maps <paramref name="path"/> to the metrics registered by <see cref="TelemetryRegistration.AddRulesEngineTelemetry"/>,
    /// in Prometheus text format. The host's authentication applies as to any endpoint (the console puts it behind its
    /// token); the returned builder takes more conventions (<c>RequireAuthorization</c>, ...).
    /// </summary>
    public static IEndpointConventionBuilder MapRulesEngineMetrics(this IEndpointRouteBuilder endpoints, string path = DefaultPath) =>
        endpoints.MapPrometheusScrapingEndpoint(path);
}
