using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Cli.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for <c>serve</c>: the engine's metrics (Meter "RulesEngine"), readable in Prometheus text format
/// where <see cref="MetricsEndpoint.MapRulesEngineMetrics"/> maps them, and its traces (ActivitySource "RulesEngine",
/// with the HTTP client spans of every service call). Both are also exported over OTLP, only when the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_EXPORTER_OTLP_*</c> variables).
/// </summary>
internal static class TelemetryRegistration
{
    /// <summary>The standard variable that switches OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "rulesengine";

    /// <summary>Whether <paramref name="configuration"/> (a host's: environment variables included) asks for OTLP export.</summary>
    public static bool OtlpRequested(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);

    /// <param name="exportTraces">More trace exporters (tests add an in-memory one). Spans are recorded only when some
    /// exporter takes them: with neither OTLP nor this, tracing stays off and costs nothing.</param>
    public static IServiceCollection AddRulesEngineTelemetry(this IServiceCollection services, IConfiguration configuration,
        Action<TracerProviderBuilder>? exportTraces = null)
    {
        var otlp = OtlpRequested(configuration);
        var telemetry = services.AddOpenTelemetry()
            // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over the default name.
            .ConfigureResource(resource => resource.AddService(ServiceName).AddEnvironmentVariableDetector())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(EngineTelemetry.Name);
                // Scrapes read current values: the default 300 ms response cache would hide a run that just ended.
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp) metrics.AddOtlpExporter();
            });
        if (otlp || exportTraces is not null)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(EngineTelemetry.Name);
                tracing.AddHttpClientInstrumentation();
                // First, so every exporter after it sees the masked values (a Telegram bot token is part of its URLs).
                tracing.AddProcessor(new SecretMaskingProcessor());
                if (otlp) tracing.AddOtlpExporter();
                exportTraces?.Invoke(tracing);
            });
        }
        return services;
    }
}
