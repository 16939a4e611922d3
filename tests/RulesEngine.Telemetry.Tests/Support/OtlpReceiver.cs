using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RulesEngine.Telemetry.Tests.Support;

/// <summary>
/// A collector's OTLP/HTTP endpoint on a free loopback port: it keeps every export's body (protobuf, whose strings are
/// plain UTF-8, so span names and attribute values can be looked for in the bytes) and answers success.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _exports = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private OtlpReceiver(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._exports.Enqueue(("/v1/" + signal, body.ToArray()));
            receiver._arrived.Release();
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return receiver;
    }

    /// <summary>Whether an export to <paramref name="path"/> holds <paramref name="text"/>.</summary>
    public bool Received(string path, string text) =>
        _exports.Any(e => e.Path == path && Contains(e.Body, text));

    public bool ReceivedAnywhere(string text) => _exports.Any(e => Contains(e.Body, text));

    public IReadOnlyList<string> Paths => [.. _exports.Select(e => e.Path)];

    /// <summary>Waits for an export to <paramref name="path"/> holding <paramref name="text"/> (false after the timeout).</summary>
    public async Task<bool> WaitForAsync(string path, string text, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (!Received(path, text))
        {
            try
            {
                await _arrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                return Received(path, text);
            }
        }
        return true;
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
