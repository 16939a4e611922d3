using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// E-mail over SMTP: the <c>"email"</c> connection type (server, security, account, default sender) and the
/// <c>email.send</c> step. The composition root calls <see cref="Register"/> once.
/// </summary>
public static class EmailConnector
{
    public static void Register(ConnectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // A connection that did not load has reported its problems on the settings, and ConnectionsFile discards
        // whatever a connection type returns in that case; the placeholder is never used.
        registry.AddConnectionType(EmailOptions.ConnectionType, settings =>
            EmailOptions.FromConnection(settings) is { } options ? new EmailClient(options) : new object());
        registry.AddReceiver(SendEmailSpec.Spec, SendEmailStep.Create);
    }
}
