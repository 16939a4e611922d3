using Npgsql;
using RulesEngine.Core.Connections;

namespace RulesEngine.State.Postgres;

/// <summary>
/// A <c>--state</c> value that names a PostgreSQL database: a URL <c>postgres://user[:password]@host[:port]/database</c>
/// (<c>postgresql://</c> too, query parameters become Npgsql settings such as <c>?sslmode=require</c>) or an Npgsql
/// string <c>Host=...;Port=...;Database=...;Username=...;Password=...</c>. Anything else is a SQLite path.
/// The password is registered with <see cref="SecretRedactor"/> and never part of <see cref="Display"/>.
/// </summary>
internal sealed class PostgresLocation
{
    private PostgresLocation(NpgsqlConnectionStringBuilder settings)
    {
        ConnectionString = settings.ConnectionString;
        Host = settings.Host ?? "";
        Port = settings.Port;
        Database = settings.Database ?? settings.Username ?? "";
        Display = $"postgres://{(string.IsNullOrEmpty(settings.Username) ? "" : Uri.EscapeDataString(settings.Username) + "@")}{Host}:{Port}/{Database}";
        if (settings.Password is { } password) SecretRedactor.Register(password);
    }

    /// <summary>For Npgsql only: holds the password. Never print it; print <see cref="Display"/>.</summary>
    public string ConnectionString { get; }

    public string Host { get; }
    public int Port { get; }
    public string Database { get; }

    /// <summary><c>postgres://user@host:port/database</c>: what messages name.</summary>
    public string Display { get; }

    public override string ToString() => Display;

    /// <summary>True when <paramref name="state"/> is meant as a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string state)
    {
        var text = state.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return true;
        // An Npgsql string names its server; a file path with '=' in it does not start with "Host=" or "Server=".
        return text.Contains('=') && text.Split(';').Any(pair =>
            pair.Split('=', 2)[0].Trim() is var key && (key.Equals("Host", StringComparison.OrdinalIgnoreCase) || key.Equals("Server", StringComparison.OrdinalIgnoreCase)));
    }

    /// <exception cref="ArgumentException">The value is not a usable PostgreSQL location; the message says why and
    /// never contains the password.</exception>
    public static PostgresLocation Parse(string state)
    {
        var text = state.Trim();
        var settings = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text) : FromKeyValues(text);
        if (string.IsNullOrEmpty(settings.Host))
            throw new ArgumentException("the PostgreSQL --state names no host: write postgres://user:password@host:5432/database or Host=...;Database=...;Username=...");
        return new PostgresLocation(settings);
    }

    private static NpgsqlConnectionStringBuilder FromKeyValues(string text)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            // Npgsql's messages name the keyword, not its value.
            throw new ArgumentException($"the PostgreSQL --state connection string is not valid ({SecretRedactor.Redact(e.Message)}): write Host=...;Port=5432;Database=...;Username=...;Password=...");
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        const string Shape = "write postgres://user:password@host:5432/database";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("postgres" or "postgresql"))
            throw new ArgumentException($"the PostgreSQL --state URL is not valid: {Shape} (special characters in the password percent-encoded)");
        var user = url.UserInfo.Split(':', 2);
        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host.Trim('[', ']'),
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.Trim('/')),
        };
        if (user[0].Length > 0) settings.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length == 2) settings.Password = Uri.UnescapeDataString(user[1]);
        if (settings.Password is { } password) SecretRedactor.Register(password);
        if (string.IsNullOrEmpty(settings.Database))
            throw new ArgumentException($"the PostgreSQL --state URL names no database: {Shape}");
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            try
            {
                settings[key] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "true";
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new ArgumentException($"the PostgreSQL --state URL has a setting Npgsql does not take: '{key}' ({SecretRedactor.Redact(e.Message)}); remove it, or write it as Npgsql names it (e.g. ?sslmode=require&timeout=15)");
            }
        }
        return settings;
    }
}
