using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RulesEngine.Emulation;

/// <summary>
/// A Kestrel server bound to 127.0.0.1 on a free port that records every request and applies the
/// <see cref="FaultPlan"/> before the emulator's own routes see it. Each connector's emulator maps its
/// service's routes onto one of these and formats injected errors the way its service does.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _received = new();

    private EmulatorHost(WebApplication app, FaultPlan faults)
    {
        _app = app;
        Faults = faults;
    }

    /// <summary>Root URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public FaultPlan Faults { get; }

    public IReadOnlyList<RecordedRequest> Received => [.. _received];

    public void ClearReceived() => _received.Clear();

    /// <param name="mapRoutes">Maps the service's endpoints.</param>
    /// <param name="writeFault">Writes an injected error (status, retry-after seconds) in the service's own error format.</param>
    /// <param name="port">0 for a free port.</param>
    public static async Task<EmulatorHost> StartAsync(
        Action<WebApplication> mapRoutes,
        Func<HttpContext, Fault, Task> writeFault,
        int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        var host = new EmulatorHost(app, new FaultPlan());
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            string body;
            using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true))
                body = await reader.ReadToEndAsync();
            context.Request.Body.Position = 0;
            var fault = host.Faults.Take(context.Request.Path.Value ?? "");
            host._received.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                body,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                DateTimeOffset.UtcNow,
                fault is { Kind: FaultKind.Status or FaultKind.RateLimited or FaultKind.Answer } ? fault.StatusCode : null));
            switch (fault?.Kind)
            {
                case FaultKind.Drop:
                    context.Abort();
                    return;
                case FaultKind.Delay:
                    try { await Task.Delay(fault.Delay, context.RequestAborted); }
                    catch (OperationCanceledException) { return; }
                    break;
                case FaultKind.Status or FaultKind.RateLimited:
                    await writeFault(context, fault);
                    return;
                case FaultKind.Answer:
                    context.Response.StatusCode = fault.StatusCode;
                    context.Response.ContentType = fault.ContentType;
                    await context.Response.WriteAsync(fault.Body);
                    return;
            }
            await next(context);
        });
        mapRoutes(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.BaseUrl = address.Replace("[::1]", "127.0.0.1").TrimEnd('/');
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
