using System.Globalization;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// A customer as HelpCrunch returned it, read tolerantly: the docs show <c>id</c> as a number, timestamps as
/// numbers or numeric strings, and <c>customData</c> as a map or as a <c>[{property,value}]</c> array depending on
/// the docs version. <see cref="Raw"/> keeps everything else.
/// </summary>
public sealed class HelpCrunchContact
{
    private JObject? _raw;
    private readonly ReadOnlyMemory<byte> _json; // the object as HelpCrunch sent it, when read without a tree
    private IReadOnlyDictionary<string, JToken?>? _customData;

    private HelpCrunchContact(string id, JObject? raw, ReadOnlyMemory<byte> json)
    {
        Id = id;
        _raw = raw;
        _json = json;
    }

    /// <summary>The internal HelpCrunch id, as text whatever JSON type it came as.</summary>
    public string Id { get; }

    /// <summary>The whole object. A contact from a search is read without a tree (most are only matched by one field and
    /// updated by id); the tree is built on first use, from the object's own bytes.</summary>
    public JObject Raw => _raw ??= HelpCrunchAnswer.Object(_json.Span);

    /// <summary>Whether <see cref="Raw"/> has been built (a contact read from a tree always has it).</summary>
    internal bool HasTree => _raw is not null;

    public string? Email => Field("email");
    public string? Name => Field("name");
    public string? UserId => Field("userId");
    public string? Locale => Field("locale");
    public DateTimeOffset? FirstSeen => Timestamp("firstSeen");
    public DateTimeOffset? LastSeen => Timestamp("lastSeen");

    public IReadOnlyDictionary<string, JToken?> CustomData => _customData ??= ReadCustomData(Raw["customData"]);

    public IReadOnlyList<string> Tags =>
        Raw["tags"] is JArray tags
            ? [.. tags.Select(t => t is JObject o ? o.Value<string>("name") : t.Type == JTokenType.String ? t.ToString() : null).OfType<string>()]
            : [];

    /// <summary>Reads one customer object; null when it has no usable id (see <see cref="HelpCrunchAnswer.Id"/>).</summary>
    public static HelpCrunchContact? Parse(JToken? token) => HelpCrunchAnswer.Contact(token);

    internal static HelpCrunchContact From(string id, JObject raw) => new(id, raw, default);

    /// <summary>A contact read by <see cref="HelpCrunchAnswerReader"/>: <paramref name="json"/> is its object's bytes.</summary>
    internal static HelpCrunchContact FromJson(string id, ReadOnlyMemory<byte> json) => new(id, null, json);

    /// <summary>A top-level field as text (a number or boolean as its invariant text); null when absent, null or not a
    /// value. Read from the bytes while there is no tree.</summary>
    internal string? Field(string field) =>
        _raw is null && HelpCrunchAnswerReader.TryReadText(_json.Span, field, out var text)
            ? text
            : Raw[field] is JValue { Value: not null } v ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : null;

    // DateTimeOffset.FromUnixTimeSeconds accepts years 1 to 9999 only.
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    private DateTimeOffset? Timestamp(string field)
    {
        if (Raw[field] is not JValue { Value: not null } v) return null;
        // A number no date can have (1e999, 1e30) is no date, never an exception or "year 10000".
        if (v.Type is JTokenType.Integer or JTokenType.Float)
            return double.TryParse(v.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                && number is >= MinUnixSeconds and <= MaxUnixSeconds
                ? DateTimeOffset.FromUnixTimeSeconds((long)number)
                : null;
        if (v.Type == JTokenType.Date) return new DateTimeOffset(v.Value<DateTime>());
        var text = v.ToString(CultureInfo.InvariantCulture);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return seconds is >= MinUnixSeconds and <= MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ? date : null;
    }

    private static Dictionary<string, JToken?> ReadCustomData(JToken? token)
    {
        var result = new Dictionary<string, JToken?>(StringComparer.Ordinal);
        switch (token)
        {
            case JObject map:
                foreach (var p in map.Properties()) result[p.Name] = p.Value;
                break;
            case JArray list:
                foreach (var entry in list.OfType<JObject>())
                    if (entry.Value<string>("property") is { } name) result[name] = entry["value"];
                break;
        }
        return result;
    }
}
