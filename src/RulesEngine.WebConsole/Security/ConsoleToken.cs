using System.Security.Cryptography;
using System.Text;

namespace RulesEngine.WebConsole.Security;

/// <summary>
/// The console token and what is derived from it. Comparisons hash both sides first and compare the hashes in
/// constant time, so neither the content nor the length of the token leaks through timing. The session cookie holds
/// an HMAC of a fixed label under the token, never the token itself.
/// </summary>
internal sealed class ConsoleToken(string token)
{
    private readonly byte[] _tokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    private readonly byte[] _sessionHash = SHA256.HashData(Encoding.UTF8.GetBytes(SessionOf(token)));

    /// <summary>The session cookie's value: proves the token was given without being it.</summary>
    public string SessionValue { get; } = SessionOf(token);

    public bool Matches(string? candidate) => candidate is not null &&
        CryptographicOperations.FixedTimeEquals(_tokenHash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    public bool IsSession(string? cookie) => cookie is not null &&
        CryptographicOperations.FixedTimeEquals(_sessionHash, SHA256.HashData(Encoding.UTF8.GetBytes(cookie)));

    private static string SessionOf(string token) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), "rulesengine-console-session-v1"u8));
}
