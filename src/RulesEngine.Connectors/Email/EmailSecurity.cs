namespace RulesEngine.Connectors.Email;

/// <summary>How the connection to the SMTP server is protected (the connection's <c>security</c> setting).</summary>
public enum EmailSecurity
{
    /// <summary>Plain connection, then STARTTLS before signing in; fails if the server does not offer it (port 587,
    /// Gmail's <c>smtp.gmail.com:587</c>).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,

    /// <summary>No encryption: only for a relay on the same machine or network, and for the emulator.</summary>
    None,
}
