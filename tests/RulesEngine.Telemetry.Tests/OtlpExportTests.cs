using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using RulesEngine.Cli;
using RulesEngine.Cli.Hosting.Telemetry;
using RulesEngine.Telemetry.Tests.Support;

namespace RulesEngine.Telemetry.Tests;

/// <summary>OTLP export: on with the standard OTEL_EXPORTER_OTLP_ENDPOINT, off without it.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public void Otlp_IsOff_WhenTheEndpointVariableIsUnset()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "x" }).Build();

        services.AddRulesEngineTelemetry(configuration);

        Assert.False(TelemetryRegistration.OtlpRequested(configuration));
        Assert.DoesNotContain(services, d => Mentions(d, "Otlp"));
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<TracerProvider>()); // nothing would take the spans: tracing stays off
        Assert.Contains(services, d => Mentions(d, "Prometheus")); // metrics are still served at /metrics
    }

    [Fact]
    public void Otlp_IsOn_WhenTheEndpointVariableIsSet()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryRegistration.OtlpEndpointVariable] = "http://127.0.0.1:4318",
        }).Build();

        services.AddRulesEngineTelemetry(configuration);

        Assert.Contains(services, d => Mentions(d, "Otlp"));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());
    }

    /// <summary>The real daemon, in-process: with the variable pointing at a collector, its run's spans and metrics
    /// arrive there over OTLP/HTTP, with the bot token masked in the HTTP spans' URLs.</summary>
    [Fact]
    public async Task Serve_ExportsTracesAndMetricsOverOtlp_WhenTheEndpointVariableIsSet()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var run = await CanonicalRun.StartAsync();
        var rules = Directory.CreateDirectory(Path.Combine(run.Directory, "rules")).FullName;
        File.Copy(Repo.CanonicalFlow, Path.Combine(rules, "helpcrunch-contacts.json"));
        using var environment = new EnvironmentVariables(new()
        {
            [TelemetryRegistration.OtlpEndpointVariable] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Export each batch of spans after 100 ms instead of 5 s (a knob, not a wait).
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var serve = Task.Run(() => CliApp.RunAsync(
            ["serve", "--rules", rules, "--connections", run.Services.ConnectionsPath, "--state", Path.Combine(run.Directory, "state.db"), "--create-state"],
            output, output, stop.Token));
        bool traced;
        try
        {
            // The flow's interval trigger runs it at once; its run span arrives once the run has ended.
            traced = await collector.WaitForAsync("/v1/traces", "rulesengine.run", TimeSpan.FromSeconds(90));
        }
        finally
        {
            await stop.CancelAsync();
            await serve.WaitAsync(TimeSpan.FromSeconds(90));
        }

        Assert.True(traced, $"no run span reached the collector; it received {string.Join(", ", collector.Paths)}\n{output}");
        Assert.True(collector.Received("/v1/traces", "rulesengine.row"), "no row span");
        Assert.True(collector.Received("/v1/traces", "/bot***/sendMessage"), "no Telegram HTTP span with its URL masked");
        // Metrics are exported when the daemon stops (and every minute before).
        Assert.True(collector.Received("/v1/metrics", "rulesengine.rows"), $"no metrics; the collector received {string.Join(", ", collector.Paths)}");
        foreach (var secret in CanonicalRun.Secrets) Assert.False(collector.ReceivedAnywhere(secret), "a secret reached the collector");
        Assert.False(collector.ReceivedAnywhere("@example.com"), "row data reached the collector");
    }

    private static bool Mentions(ServiceDescriptor descriptor, string name) =>
        new[] { descriptor.ServiceType, descriptor.ImplementationType, descriptor.IsKeyedService ? null : descriptor.ImplementationInstance?.GetType() }
            .Concat(descriptor.ServiceType.GenericTypeArguments)
            .Any(t => t?.FullName?.Contains(name, StringComparison.Ordinal) == true);
}
