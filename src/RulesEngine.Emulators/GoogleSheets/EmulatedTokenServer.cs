using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>
/// The OAuth side of the emulator: service accounts (their public keys), the JWT-bearer token grant, and the access
/// tokens it issued. Like Google it checks the RS256 signature, but not <c>aud</c>: Google.Apis.Auth always sends
/// <c>https://oauth2.googleapis.com/token</c>, even when the key's token_uri points elsewhere.
/// </summary>
internal sealed class EmulatedTokenServer
{
    private const string JwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private readonly ConcurrentDictionary<string, RSA> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Email, DateTimeOffset Expires, string[] Scopes)> _tokens = new(StringComparer.Ordinal);

    public void AddAccount(string email, RSA publicKey)
    {
        _accounts[email] = publicKey;
        _revoked.TryRemove(email, out _);
    }

    public void Revoke(string email) => _revoked[email] = 0;

    public void ExpireTokens() => _tokens.Clear();

    /// <summary>Handles the token POST: an access token, or Google's OAuth error (<c>invalid_grant</c> and friends).</summary>
    public (int Status, JObject Body) Grant(IReadOnlyDictionary<string, string> form)
    {
        if (!form.TryGetValue("grant_type", out var grant) || grant != JwtBearer)
            return Refuse("unsupported_grant_type", "Invalid grant_type: " + (grant ?? ""));
        if (!form.TryGetValue("assertion", out var assertion) || assertion.Split('.') is not [var head, var payload, var signature])
            return Refuse("invalid_request", "Invalid JWT: assertion is missing or malformed");
        JObject claims;
        byte[] signed;
        try
        {
            claims = JObject.Parse(Encoding.UTF8.GetString(Base64Url(payload)));
            signed = Base64Url(signature);
        }
        catch (Exception e) when (e is FormatException or Newtonsoft.Json.JsonException)
        {
            return Refuse("invalid_request", "Invalid JWT: " + e.Message);
        }
        var email = claims["iss"]?.ToString() ?? "";
        if (!_accounts.TryGetValue(email, out var key)) return Refuse("invalid_grant", "Invalid grant: account not found");
        if (_revoked.ContainsKey(email)) return Refuse("invalid_grant", "Invalid JWT Signature.");
        if (!key.VerifyData(Encoding.ASCII.GetBytes(head + "." + payload), signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            return Refuse("invalid_grant", "Invalid JWT Signature.");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var exp = claims["exp"]?.Value<long>() ?? 0;
        if (exp < now - 300 || exp - (claims["iat"]?.Value<long>() ?? 0) > 3600 + 300)
            return Refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        if (string.IsNullOrWhiteSpace(claims["scope"]?.ToString()))
            return Refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        var token = "ya29.emulated-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[token] = (email, DateTimeOffset.UtcNow.AddHours(1), claims["scope"]!.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return (200, new JObject { ["access_token"] = token, ["expires_in"] = 3600, ["token_type"] = "Bearer" });
    }

    /// <summary>True when <paramref name="token"/> was issued here, has not expired, and its account is still active.</summary>
    public bool IsValid(string token) =>
        _tokens.TryGetValue(token, out var issued) && issued.Expires > DateTimeOffset.UtcNow && !_revoked.ContainsKey(issued.Email);

    /// <summary>True when <paramref name="token"/> was granted at least one of <paramref name="scopes"/>.</summary>
    public bool HasAnyScope(string token, params string[] scopes) =>
        _tokens.TryGetValue(token, out var issued) && issued.Scopes.Intersect(scopes, StringComparer.Ordinal).Any();

    private static (int, JObject) Refuse(string error, string description) =>
        (400, new JObject { ["error"] = error, ["error_description"] = description });

    private static byte[] Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
