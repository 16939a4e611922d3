using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// Telegram: the <c>"telegram"</c> connection type (a bot token, optionally a base URL and retry/pacing settings)
/// and the <c>telegram.sendMessage</c> step. The composition root calls <see cref="Register"/> once.
/// </summary>
public static class TelegramConnector
{
    public const string ConnectionType = "telegram";

    public static void Register(ConnectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddConnection(TelegramConnectionSpec.Spec,
            settings => TelegramOptions.FromConnection(settings) is { } options ? new TelegramClient(options) : null,
            async (client, cancellationToken) =>
            {
                var bot = await client.GetMeAsync(cancellationToken).ConfigureAwait(false);
                return $"the token belongs to bot @{bot.Username} (id {bot.Id})";
            });
        registry.AddReceiver(SendMessageStep.Spec, SendMessageStep.Create);
    }
}
