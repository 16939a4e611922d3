using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

/// <summary>The settings of an <c>"email"</c> connection (an SMTP server); <see cref="EmailOptions.FromConnection"/> reads them.</summary>
public static class EmailConnectionSpec
{
    public const string HostKey = "host";
    public const string PortKey = "port";
    public const string SecurityKey = "security";
    public const string UsernameKey = "username";
    public const string PasswordKey = "password";
    public const string FromKey = "from";

    /// <summary>Tries, timeout and backoff: SMTP servers are slow to greet, and a retry waits a little longer than for an HTTP API.</summary>
    public static RetryFields Retry { get; } = new()
    {
        MaxAttempts = RetryFields.MaxAttemptsField("tries per message, the first included; only transient failures are retried", 3),
        Timeout = RetryFields.TimeoutField("how long one try (connect, sign in, send) may take", 60),
        RetryDelay = RetryFields.RetryDelayField("first backoff delay; it doubles per retry, with jitter", 2),
        MaxBackoff = TimeSpan.FromMinutes(1),
    };

    public static ConnectionSpec Spec { get; } = new(EmailOptions.ConnectionType,
        "An SMTP server that sends the e-mail.send step's messages (Gmail: smtp.gmail.com, startTls, an app password).",
        [
            ConnectionField.Text(HostKey, "the SMTP server's host name (not a URL)", "smtp.gmail.com", required: true),
            ConnectionField.OptionalInteger(PortKey, "the server's port; by default the usual one for \"security\": 587 (startTls), 465 (sslOnConnect), 25 (none)", 1, 65_535, example: 587),
            ConnectionField.Choice(SecurityKey, "startTls (port 587), sslOnConnect (TLS from the start, port 465) or none (a local relay, the emulator)",
                "startTls", [.. EmailOptions.SecurityNames]),
            ConnectionField.Text(UsernameKey, "the account to sign in as (for Gmail the full address); give it with \"password\", or neither for a relay that needs no sign-in", "alerts@example.com"),
            ConnectionField.Secret(PasswordKey, "the account's password (for Gmail an app password); never printed", "${env:SMTP_PASSWORD}", required: false),
            ConnectionField.Text(FromKey, "the sender when a step gives no \"from\": an address, optionally with a name", "RulesEngine alerts <alerts@example.com>"),
            .. Retry.Fields,
        ])
    {
        AllOrNone = [[UsernameKey, PasswordKey]],
        SelfTest = "connect, negotiate security and sign in, then QUIT (no message is sent)",
    };
}
