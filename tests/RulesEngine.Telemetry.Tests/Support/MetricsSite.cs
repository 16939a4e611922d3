using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using RulesEngine.Cli.Hosting.Telemetry;

namespace RulesEngine.Telemetry.Tests.Support;

/// <summary>
/// The smallest web host the console would be: Kestrel on a free loopback port, the engine's telemetry registered
/// with <see cref="TelemetryRegistration.AddRulesEngineTelemetry"/>, <c>/metrics</c> mapped with
/// <see cref="MetricsEndpoint.MapRulesEngineMetrics"/>, and every finished span kept in <see cref="Spans"/>.
/// </summary>
internal sealed class MetricsSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _http;

    private MetricsSite(WebApplication app, List<Activity> spans, Uri address)
    {
        _app = app;
        Spans = spans;
        _http = new HttpClient { BaseAddress = address };
    }

    /// <summary>Spans exported so far (the in-memory exporter adds each as it ends).</summary>
    public List<Activity> Spans { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration as the environment would give it (e.g. OTEL_EXPORTER_OTLP_ENDPOINT).</param>
    /// <param name="keepSpans">False registers no trace exporter of the test's own.</param>
    public static async Task<MetricsSite> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, bool keepSpans = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        var spans = new List<Activity>();
        builder.Services.AddRulesEngineTelemetry(builder.Configuration, keepSpans ? tracing => tracing.AddInMemoryExporter(spans) : null);
        var app = builder.Build();
        app.MapRulesEngineMetrics();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new MetricsSite(app, spans, new Uri(address));
    }

    public async Task<string> MetricsAsync()
    {
        using var response = await _http.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {body}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
