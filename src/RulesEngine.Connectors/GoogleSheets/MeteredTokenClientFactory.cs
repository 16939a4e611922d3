using Google.Apis.Http;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// The HTTP client Google.Apis.Auth asks a service account's token endpoint with, built around the engine's API
/// request metering: the token requests are requests to a Google service like the sheet reads, and a quota or outage
/// there shows first as refused tokens. They are counted apart (<see cref="Service"/>), not as sheet requests.
/// </summary>
internal sealed class MeteredTokenClientFactory : HttpClientFactory
{
    /// <summary>The <c>service</c> label of the token requests.</summary>
    public const string Service = "googleOAuth";

    public static readonly MeteredTokenClientFactory Instance = new();

    protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => ApiRequestMetering.Around(Service, base.CreateHandler(args));
}
