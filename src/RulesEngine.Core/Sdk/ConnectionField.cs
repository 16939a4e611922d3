using System.Globalization;

namespace RulesEngine.Sdk;

/// <summary>
/// One declared setting of a connection type. The spec is the single source for checking a connections file,
/// reading it, <c>list</c>, the docs tables and the connections JSON Schema. Build fields with the factory methods,
/// which make an author state what each kind needs (a range for numbers, the values of a choice).
/// </summary>
public sealed record ConnectionField
{
    private ConnectionField(string name, SettingKind kind, string description, string example)
    {
        Name = name;
        Kind = kind;
        Description = description;
        Example = example;
    }

    /// <summary>The key in the connections file (camelCase).</summary>
    public string Name { get; }

    /// <summary>How the value is written and checked.</summary>
    public SettingKind Kind { get; }

    /// <summary>What the setting is for, for people: shown by <c>list</c>, the docs table and the schema.</summary>
    public string Description { get; }

    /// <summary>A realistic value as it would be written in the connections file (JSON text for numbers).</summary>
    public string Example { get; }

    /// <summary>True when a connection of this type cannot do without the setting.</summary>
    public bool Required { get; init; }

    /// <summary>The value used when the setting is absent: a string, an int or a double; null when there is none.</summary>
    public object? Default { get; init; }

    /// <summary>The smallest value a number or duration accepts; null for other kinds.</summary>
    public double? Minimum { get; init; }

    /// <summary>The largest value a number or duration accepts; null for other kinds.</summary>
    public double? Maximum { get; init; }

    /// <summary>The words a <see cref="SettingKind.Choice"/> accepts, in their canonical spelling.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    /// <summary>True for a secret: masked in every output and registered with <see cref="SecretRedactor"/> when read.</summary>
    public bool IsSecret => Kind == SettingKind.Secret;

    /// <summary>Kinds written as JSON strings (and so allowed to hold <c>${env:}</c> / <c>${file:}</c> references).</summary>
    public bool IsText => Kind is SettingKind.Text or SettingKind.Secret or SettingKind.Url or SettingKind.File or SettingKind.Choice;

    /// <summary>Plain text, optionally with a default.</summary>
    public static ConnectionField Text(string name, string description, string example, bool required = false, string? defaultValue = null) =>
        new(name, SettingKind.Text, description, example) { Required = required, Default = defaultValue };

    /// <summary>A secret (a token, a password): written as <c>${env:NAME}</c> or <c>${file:path}</c>, never shown.</summary>
    public static ConnectionField Secret(string name, string description, string example, bool required = true) =>
        new(name, SettingKind.Secret, description, example) { Required = required };

    /// <summary>An absolute http(s) URL with a default (the service's public address; tests point it at an emulator).</summary>
    public static ConnectionField Url(string name, string description, string defaultValue) =>
        new(name, SettingKind.Url, description, defaultValue) { Default = defaultValue };

    /// <summary>A URL the connection cannot do without (a generic HTTP API's root): no default, so it must be given.</summary>
    public static ConnectionField RequiredUrl(string name, string description, string example) =>
        new(name, SettingKind.Url, description, example) { Required = true };

    /// <summary>A path to a file (relative to the connections file), checked to exist and to be small.</summary>
    public static ConnectionField File(string name, string description, string example, bool required = false) =>
        new(name, SettingKind.File, description, example) { Required = required };

    /// <summary>One of a few words, matched without regard to case; <paramref name="defaultValue"/> is also the example.</summary>
    public static ConnectionField Choice(string name, string description, string defaultValue, params string[] values) =>
        new(name, SettingKind.Choice, description, defaultValue) { Default = defaultValue, AllowedValues = values };

    /// <summary>A whole number within [<paramref name="minimum"/>, <paramref name="maximum"/>], with a default.</summary>
    public static ConnectionField Integer(string name, string description, int defaultValue, int minimum, int maximum, int example) =>
        new(name, SettingKind.Integer, description, example.ToString(CultureInfo.InvariantCulture))
        { Default = defaultValue, Minimum = minimum, Maximum = maximum };

    /// <summary>A whole number whose absence means "decided elsewhere" (e.g. the SMTP port follows the security mode).</summary>
    public static ConnectionField OptionalInteger(string name, string description, int minimum, int maximum, int example) =>
        new(name, SettingKind.Integer, description, example.ToString(CultureInfo.InvariantCulture)) { Minimum = minimum, Maximum = maximum };

    /// <summary>A number within [<paramref name="minimum"/>, <paramref name="maximum"/>], with a default.</summary>
    public static ConnectionField Number(string name, string description, double defaultValue, double minimum, double maximum, double example) =>
        new(name, SettingKind.Number, description, example.ToString(CultureInfo.InvariantCulture))
        { Default = defaultValue, Minimum = minimum, Maximum = maximum };

    /// <summary>A duration in seconds within [<paramref name="minimum"/>, <paramref name="maximum"/>], with a default.</summary>
    public static ConnectionField Duration(string name, string description, double defaultSeconds, double minimum, double maximum, double example) =>
        new(name, SettingKind.Duration, description, example.ToString(CultureInfo.InvariantCulture))
        { Default = defaultSeconds, Minimum = minimum, Maximum = maximum };

    /// <summary>The default as it is written in docs and <c>list</c> (invariant culture), or null.</summary>
    public string? DefaultText => Default switch
    {
        null => null,
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>The kind's name in <c>list</c>, the docs and the schema descriptions.</summary>
    public string KindName => Kind switch
    {
        SettingKind.Duration => "seconds",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
