using System.Net;

namespace RulesEngine.WebConsole;

/// <summary>
/// Where the console listens, the address people reach it at, and the token every request must carry. Parsed from
/// <c>serve --listen URL --public-url URL</c> and <see cref="TokenVariable"/>; a console that would be reachable from
/// other machines without a token is refused before anything starts.
/// </summary>
internal sealed record ConsoleSettings(Uri Listen, Uri? PublicUrl, string? Token)
{
    public const string TokenVariable = "RULESENGINE_CONSOLE_TOKEN";
    public const string DefaultListen = "http://127.0.0.1:8080";
    public const string Off = "none";

    /// <summary>True when only this machine can connect (a loopback address or <c>localhost</c>).</summary>
    public bool IsLoopbackOnly => Listen.IsLoopback || (IPAddress.TryParse(Listen.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// The settings from the command line; null when <paramref name="listen"/> is <c>none</c>. A malformed URL throws
    /// <see cref="ArgumentException"/> with the fix (a usage error); a refusal to start (non-loopback, no token) is
    /// <see cref="RefusalFor"/>'s business.
    /// </summary>
    public static ConsoleSettings? Parse(string? listen, string? publicUrl, string? token)
    {
        listen ??= DefaultListen;
        if (string.Equals(listen, Off, StringComparison.OrdinalIgnoreCase))
        {
            if (publicUrl is not null) throw new ArgumentException("--public-url needs the console: drop it, or pass --listen URL instead of --listen none");
            return null;
        }
        var listenUri = HttpUrl(listen, "--listen", "http://127.0.0.1:8080, http://0.0.0.0:8080 or none");
        if (listenUri.Scheme != Uri.UriSchemeHttp)
            throw new ArgumentException($"--listen {listen}: the console serves plain http; put TLS on the proxy in front and pass its address as --public-url https://...");
        if (listenUri.AbsolutePath != "/")
            throw new ArgumentException($"--listen {listen}: give only scheme, address and port (a path prefix belongs in --public-url)");
        var publicUri = publicUrl is null ? null : HttpUrl(publicUrl, "--public-url", "https://rules.example.com or https://example.com/rulesengine");
        return new ConsoleSettings(listenUri, publicUri, string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>Why serve must not start with these settings (exit 2), or null.</summary>
    public string? RefusalFor() => Token is null && !IsLoopbackOnly
        ? $"serve: the console would listen on {Listen.GetLeftPart(UriPartial.Authority)}, which other machines can reach, without a token. " +
          $"Set {TokenVariable} (a long random value, e.g. from 'openssl rand -hex 32') so every request must carry it, " +
          "listen on a loopback address (--listen http://127.0.0.1:8080), or turn the console off (--listen none)."
        : null;

    private static Uri HttpUrl(string text, string option, string examples)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            throw new ArgumentException($"{option} {text}: not an http(s) URL; write e.g. {examples}");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw new ArgumentException($"{option} {text}: give scheme, host, port and path only (no user, query or fragment)");
        return uri;
    }
}
