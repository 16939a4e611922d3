using System.Globalization;
using MimeKit;
using RulesEngine.Core.Connections;

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

    internal const string HostKey = "host";
    internal const string PortKey = "port";
    internal const string SecurityKey = "security";
    internal const string UsernameKey = "username";
    internal const string PasswordKey = "password";
    internal const string FromKey = "from";
    internal const string MaxAttemptsKey = "maxAttempts";
    internal const string TimeoutSecondsKey = "timeoutSeconds";
    internal const string RetryDelaySecondsKey = "retryDelaySeconds";

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

    /// <summary>Tries per message, the first included; only transient failures are retried.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How long one try (connect, sign in, send) may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First backoff delay; it doubles per retry, with jitter.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The port actually used.</summary>
    public int EffectivePort => Port > 0 ? Port : Security switch
    {
        EmailSecurity.SslOnConnect => 465,
        EmailSecurity.None => 25,
        _ => 587,
    };

    /// <summary>
    /// Reads an <c>"email"</c> connection. Every problem is reported on <paramref name="settings"/> (never thrown,
    /// never with the password); the result is then null.
    /// </summary>
    public static EmailOptions? FromConnection(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ok = true;
        void Error(string key, string code, string message)
        {
            settings.Error(key, code, $"connection '{settings.Name}': {message}");
            ok = false;
        }

        var host = settings.Required(HostKey, "the SMTP server, e.g. \"smtp.gmail.com\"");
        ok &= host.Length > 0;
        if (host.Contains("://", StringComparison.Ordinal) || host.Contains(' ', StringComparison.Ordinal))
            Error(HostKey, "EM0101", $"\"{HostKey}\" must be a host name such as smtp.gmail.com, not '{host}'");

        var securityText = settings.Optional(SecurityKey, "startTls")!;
        var security = ParseSecurity(securityText);
        if (security is null)
            Error(SecurityKey, "EM0102", $"\"{SecurityKey}\" is '{securityText}'; it must be one of: {string.Join(", ", SecurityNames)}");

        var port = Number(settings, PortKey, 0, 1, 65535, whole: true, ref ok);
        var maxAttempts = Number(settings, MaxAttemptsKey, 3, 1, 20, whole: true, ref ok);
        var timeout = Number(settings, TimeoutSecondsKey, 60, 0.05, 600, whole: false, ref ok);
        var retryDelay = Number(settings, RetryDelaySecondsKey, 2, 0, 300, whole: false, ref ok);

        string? username = null, password = null;
        if (settings.Has(UsernameKey) || settings.Has(PasswordKey))
        {
            username = settings.Required(UsernameKey, "the account to sign in as (for Gmail the full address)");
            password = settings.Secret(PasswordKey, "the password, e.g. \"${env:SMTP_PASSWORD}\" (for Gmail an app password)");
            ok &= username.Length > 0 && password.Length > 0;
        }

        var from = settings.Optional(FromKey);
        if (from is not null && !EmailAddresses.TryParseMailbox(from, out _, out var fromError))
            Error(FromKey, "EM0103", $"\"{FromKey}\": {fromError}");

        if (!ok) return null;
        return new EmailOptions
        {
            Host = host,
            Port = (int)port,
            Security = security!.Value,
            Username = username,
            Password = password,
            From = from,
            MaxAttempts = (int)maxAttempts,
            Timeout = TimeSpan.FromSeconds(timeout),
            RetryDelay = TimeSpan.FromSeconds(retryDelay),
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
        if (MaxAttempts < 1) return "MaxAttempts must be at least 1";
        if (Timeout < TimeSpan.FromMilliseconds(10)) return "Timeout must be at least 10 ms";
        if (RetryDelay < TimeSpan.Zero) return "RetryDelay cannot be negative";
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password)) return "set both Username and Password, or neither";
        if (From is not null && !EmailAddresses.TryParseMailbox(From, out _, out var error)) return "From: " + error;
        return null;
    }

    internal MailboxAddress? DefaultFrom => From is not null && EmailAddresses.TryParseMailbox(From, out var mailbox, out _) ? mailbox : null;

    private static double Number(ConnectionSettings settings, string key, double defaultValue, double min, double max, bool whole, ref bool ok)
    {
        var text = settings.Optional(key);
        if (text is null) return defaultValue;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            && (!whole || value == Math.Floor(value)))
            return value;
        settings.Error(key, "EM0104", $"connection '{settings.Name}': \"{key}\" must be a {(whole ? "whole number" : "number")} from " +
            $"{min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
        ok = false;
        return defaultValue;
    }
}
