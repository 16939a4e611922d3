using System.Globalization;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Sdk;

/// <summary>
/// Counts every HTTP attempt a connector's client makes (<c>rulesengine.api.requests</c>) by service and status: the
/// one handler each connector's <see cref="HttpClient"/> is built around (<see cref="Around"/>), so the engine sees its
/// API traffic without the connectors reporting it. Retries are separate attempts and count separately. A client that
/// does not speak HTTP counts its attempts itself through <see cref="Count"/>.
/// </summary>
public sealed class ApiRequestMetering : DelegatingHandler
{
    /// <summary>The status of an attempt that got no HTTP answer (refused, reset, timed out, cancelled).</summary>
    public const string NoAnswer = "error";

    // Status codes as label values, made once; anything outside 100-599 is not HTTP and collapses into one value,
    // so a hostile or broken server cannot grow the number of series.
    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(code => code.ToString(CultureInfo.InvariantCulture)).ToArray();
    private const string OtherStatus = "other";

    private readonly string _service;

    private ApiRequestMetering(string service, HttpMessageHandler inner) : base(inner) => _service = service;

    /// <summary>Wraps a client's handler so every request it sends is counted (the engine's API request metric).</summary>
    /// <param name="service">The connection type ("helpCrunch", "telegram", "googleSheets"): a constant, never a URL.</param>
    public static HttpMessageHandler Around(string service, HttpMessageHandler inner) => new ApiRequestMetering(service, inner);

    /// <summary>Counts the request for its connection type and outcome, then passes it on unchanged.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            EngineMetrics.ApiRequest(_service, NoAnswer);
            throw;
        }
        EngineMetrics.ApiRequest(_service, StatusText((int)response.StatusCode));
        return response;
    }

    /// <summary>
    /// Counts one attempt of a client that does not go through an <see cref="HttpClient"/> built around
    /// <see cref="Around"/> (an SMTP session): <paramref name="status"/> is the server's reply code, null when no reply
    /// came. A code outside 100-599 is counted as "other", like a non-HTTP status.
    /// </summary>
    /// <param name="service">The connection type or service ("email"): a constant, never a host or an address.</param>
    public static void Count(string service, int? status) => EngineMetrics.ApiRequest(service, status is { } code ? StatusText(code) : NoAnswer);

    internal static string StatusText(int code) => code is >= 100 and < 600 ? StatusTexts[code] : OtherStatus;
}
