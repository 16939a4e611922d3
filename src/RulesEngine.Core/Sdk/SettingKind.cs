namespace RulesEngine.Sdk;

/// <summary>What a connection setting holds; decides its JSON type, how it is checked and how it is read.</summary>
public enum SettingKind
{
    /// <summary>Plain text. May contain <c>${env:NAME}</c> / <c>${file:path}</c> references.</summary>
    Text,
    /// <summary>A credential: resolved like text, then registered with <see cref="SecretRedactor"/> so it is never printed.</summary>
    Secret,
    /// <summary>An absolute http(s) URL, used exactly as written.</summary>
    Url,
    /// <summary>A path to a small regular file (a key file), relative to the connections file.</summary>
    File,
    /// <summary>One of a fixed list of words (letter case ignored).</summary>
    Choice,
    /// <summary>A whole JSON number within a range.</summary>
    Integer,
    /// <summary>A JSON number within a range.</summary>
    Number,
    /// <summary>A JSON number of seconds within a range, read as a <see cref="TimeSpan"/>.</summary>
    Duration,
}
