using MimeKit;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// How an <see cref="EmailClient"/> reaches its SMTP server: the <c>"email"</c> connection, e.g. for Gmail
/// <c>{"type":"email","host":"smtp.gmail.com","port":587,"security":"startTls","username":"alerts@example.com",
/// "password":"${env:SMTP_PASSWORD}","from":"Alerts &lt;alerts@example.com&gt;"}</c> (an app password, not the
/// account password). <c>username</c> and <c>password</c> go together; leave both out for a relay that needs no
/// sign-in.
/// </summary>
public sealed class EmailOptions
{
    public const string ConnectionType = "email";

    /// <summary>The values <c>security</c> accepts (any letter case).</summary>
    public static readonly IReadOnlyList<string> SecurityNames = ["startTls", "sslOnConnect", "none"];

    public required string Host { get; init; }

    /// <summary>0 means the usual port for <see cref="Security"/>: 587 (STARTTLS), 465 (TLS), 25 (none).</summary>
    public int Port { get; init; }

    public EmailSecurity Security { get; init; } = EmailSecurity.StartTls;

    public string? Username { get; init; }

    /// <summary>Never printed; registered with <see cref="SecretRedactor"/>.</summary>
    public string? Password { get; init; }

    /// <summary>The sender used when a step gives no <c>from</c>: an address, optionally with a name.</summary>
    public string? From { get; init; }

    /// <summary>Tries per message (only transient failures are retried), the timeout of one try (connect, sign in,
    /// send) and the backoff; by default those of <see cref="EmailConnectionSpec.Retry"/>.</summary>
    public RetrySettings Retry { get; init; } = EmailConnectionSpec.Retry.Defaults;

    /// <summary>The port actually used.</summary>
    public int EffectivePort => Port > 0 ? Port : Security switch
    {
        EmailSecurity.SslOnConnect => 465,
        EmailSecurity.None => 25,
        _ => 587,
    };

    /// <summary>
    /// Reads an <c>"email"</c> connection, already checked against <see cref="EmailConnectionSpec"/>. Every problem is
    /// reported on <paramref name="settings"/> (never thrown, never with the password); the result is then null.
    /// </summary>
    public static EmailOptions? FromConnection(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var host = settings.Text(EmailConnectionSpec.HostKey) ?? "";
        if (host.Contains("://", StringComparison.Ordinal) || host.Any(char.IsWhiteSpace))
            settings.Invalid(EmailConnectionSpec.HostKey, $"\"{EmailConnectionSpec.HostKey}\" must be a host name such as smtp.gmail.com, not '{host}'");

        var security = ParseSecurity(settings.Choice(EmailConnectionSpec.SecurityKey));
        var username = settings.Text(EmailConnectionSpec.UsernameKey);
        var password = settings.Secret(EmailConnectionSpec.PasswordKey);

        var from = settings.Text(EmailConnectionSpec.FromKey);
        if (from is not null && !EmailAddresses.TryParseMailbox(from, out _, out var fromError))
            settings.Invalid(EmailConnectionSpec.FromKey, $"\"{EmailConnectionSpec.FromKey}\": {fromError}");

        if (settings.HasErrors || security is null) return null;
        return new EmailOptions
        {
            Host = host,
            Port = settings.OptionalInteger(EmailConnectionSpec.PortKey) ?? 0,
            Security = security.Value,
            Username = username,
            Password = password,
            From = from,
            Retry = EmailConnectionSpec.Retry.Read(settings),
        };
    }

    internal static EmailSecurity? ParseSecurity(string text) => text.Trim().ToUpperInvariant() switch
    {
        "STARTTLS" => EmailSecurity.StartTls,
        "SSLONCONNECT" or "SSL" or "TLS" => EmailSecurity.SslOnConnect,
        "NONE" => EmailSecurity.None,
        _ => null,
    };

    internal string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Host)) return "Host is empty";
        if (Port is < 0 or > 65535) return "Port must be from 0 to 65535";
        if (Retry.Problem() is { } problem) return problem;
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password)) return "set both Username and Password, or neither";
        if (From is not null && !EmailAddresses.TryParseMailbox(From, out _, out var error)) return "From: " + error;
        return null;
    }

    internal MailboxAddress? DefaultFrom => From is not null && EmailAddresses.TryParseMailbox(From, out var mailbox, out _) ? mailbox : null;
}
