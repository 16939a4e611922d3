namespace RulesEngine.Sdk;

/// <summary>
/// Remembers every secret value resolved from a connections file and blanks it out of any text before that text
/// is printed, logged or stored (errors from HTTP libraries often echo URLs, and a Telegram token is in the URL).
/// </summary>
public static class SecretRedactor
{
    private static readonly object Gate = new();
    private static string[] _secrets = [];

    /// <summary>What a secret is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Adds a secret the service handed out (an access token) to those masked; connection secrets are added when read.</summary>
    public static void Register(string secret)
    {
        // Very short values would blank out ordinary words; no real key is that short.
        if (string.IsNullOrEmpty(secret) || secret.Length < 6) return;
        lock (Gate)
        {
            if (Array.IndexOf(_secrets, secret) >= 0) return;
            // Longest first, so a secret that contains another is masked whole.
            _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>The text with every known secret replaced by <see cref="Mask"/>; pass every text you show or store through it.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        return text;
    }
}
