using RulesEngine.Sdk;

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
        registry.AddConnection(EmailConnectionSpec.Spec,
            settings => EmailOptions.FromConnection(settings) is { } options ? new EmailClient(options) : null,
            (client, cancellationToken) => client.CheckSignInAsync(cancellationToken));
        registry.AddReceiver(SendEmailStep.Spec, SendEmailStep.Create);
    }
}
