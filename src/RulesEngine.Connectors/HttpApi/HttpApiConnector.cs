using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// Any HTTP JSON API: the <c>"http"</c> connection type (a base URL and the credentials sent with every request) and
/// the <c>http.request</c> step. The composition root calls <see cref="Register"/> once.
/// </summary>
public static class HttpApiConnector
{
    public const string ConnectionType = "http";

    public static void Register(ConnectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddConnection(HttpApiConnectionSpec.Spec,
            settings => HttpApiOptions.FromConnection(settings) is { } options ? new HttpApiClient(options) : null,
            (client, cancellationToken) => client.SelfTestAsync(cancellationToken));
        registry.AddReceiver(RequestStep.Spec, RequestStep.Create);
    }
}
