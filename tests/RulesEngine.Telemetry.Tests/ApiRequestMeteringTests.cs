using System.Diagnostics.Metrics;
using System.Net;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Telemetry.Tests;

/// <summary>The handler every connector's HttpClient is built around: one count per attempt, by service and status.</summary>
public sealed class ApiRequestMeteringTests
{
    [Theory]
    [InlineData(200, "200")]
    [InlineData(429, "429")]
    [InlineData(503, "503")]
    [InlineData(999, "other")] // not HTTP: one value, so a broken server cannot add series
    public async Task ApiRequest_IsCountedByServiceAndStatus(int status, string expected)
    {
        using var counts = new RequestCounts();
        using var client = new HttpClient(ApiRequestMetering.Around("helpCrunch", new Answering(_ => new HttpResponseMessage((HttpStatusCode)status))));

        using var response = await client.GetAsync("http://127.0.0.1:9/customers?api_key=secret");

        Assert.Equal([("helpCrunch", expected)], counts.Seen);
    }

    [Fact]
    public async Task ApiRequest_WithoutAnAnswer_IsCountedAsError_AndStillFails()
    {
        using var counts = new RequestCounts();
        using var client = new HttpClient(ApiRequestMetering.Around("telegram", new Answering(_ => throw new HttpRequestException("connection refused"))));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://127.0.0.1:9/"));

        Assert.Equal([("telegram", ApiRequestMetering.NoAnswer)], counts.Seen);
    }

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    /// <summary>What <c>rulesengine.api.requests</c> records while it lives.</summary>
    private sealed class RequestCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string, string)> _seen = [];

        public RequestCounts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EngineTelemetry.Name && instrument.Name == EngineMetrics.ApiRequestsName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                var service = tags.ToArray().Single(t => t.Key == TagNames.Service).Value as string;
                var status = tags.ToArray().Single(t => t.Key == TagNames.Status).Value as string;
                lock (_seen) _seen.AddRange(Enumerable.Repeat((service!, status!), (int)value));
            });
            _listener.Start();
        }

        public IReadOnlyList<(string, string)> Seen
        {
            get
            {
                lock (_seen) return [.. _seen];
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
