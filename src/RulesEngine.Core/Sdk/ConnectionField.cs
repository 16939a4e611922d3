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

    public string Name { get; }
    public SettingKind Kind { get; }
    public string Description { get; }

    /// <summary>A realistic value as it would be written in the connections file (JSON text for numbers).</summary>
    public string Example { get; }

    public bool Required { get; init; }

    /// <summary>The value used when the setting is absent: a string, an int or a double; null when there is none.</summary>
    public object? Default { get; init; }

    public double? Minimum { get; init; }
    public double? Maximum { get; init; }

    /// <summary>The words a <see cref="SettingKind.Choice"/> accepts, in their canonical spelling.</summary>
    public IReadOnlyList<string> AllowedValues { get; init; } = [];

    public bool IsSecret => Kind == SettingKind.Secret;

    /// <summary>Kinds written as JSON strings (and so allowed to hold <c>${env:}</c> / <c>${file:}</c> references).</summary>
    public bool IsText => Kind is SettingKind.Text or SettingKind.Secret or SettingKind.Url or SettingKind.File or SettingKind.Choice;

    public static ConnectionField Text(string name, string description, string example, bool required = false, string? defaultValue = null) =>
        new(name, SettingKind.Text, description, example) { Required = required, Default = defaultValue };

    public static ConnectionField Secret(string name, string description, string example, bool required = true) =>
        new(name, SettingKind.Secret, description, example) { Required = required };

    public static ConnectionField Url(string name, string description, string defaultValue) =>
        new(name, SettingKind.Url, description, defaultValue) { Default = defaultValue };

    /// <summary>A URL the connection cannot do without (a generic HTTP API's root): no default, so it must be given.</summary>
    public static ConnectionField RequiredUrl(string name, string description, string example) =>
        new(name, SettingKind.Url, description, example) { Required = true };

    public static ConnectionField File(string name, string description, string example, bool required = false) =>
        new(name, SettingKind.File, description, example) { Required = required };

    public static ConnectionField Choice(string name, string description, string defaultValue, params string[] values) =>
        new(name, SettingKind.Choice, description, defaultValue) { Default = defaultValue, AllowedValues = values };

    public static ConnectionField Integer(string name, string description, int defaultValue, int minimum, int maximum, int example) =>
        new(name, SettingKind.Integer, description, example.ToString(CultureInfo.InvariantCulture))
        { Default = defaultValue, Minimum = minimum, Maximum = maximum };

    /// <summary>A whole number whose absence means "decided elsewhere" (e.g. the SMTP port follows the security mode).</summary>
    public static ConnectionField OptionalInteger(string name, string description, int minimum, int maximum, int example) =>
        new(name, SettingKind.Integer, description, example.ToString(CultureInfo.InvariantCulture)) { Minimum = minimum, Maximum = maximum };

    public static ConnectionField Number(string name, string description, double defaultValue, double minimum, double maximum, double example) =>
        new(name, SettingKind.Number, description, example.ToString(CultureInfo.InvariantCulture))
        { Default = defaultValue, Minimum = minimum, Maximum = maximum };

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
