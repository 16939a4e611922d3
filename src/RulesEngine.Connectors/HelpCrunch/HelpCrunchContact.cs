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
    private HelpCrunchContact(string id, JObject raw, IReadOnlyDictionary<string, JToken?> customData)
    {
        Id = id;
        Raw = raw;
        CustomData = customData;
    }

    /// <summary>The internal HelpCrunch id, as text whatever JSON type it came as.</summary>
    public string Id { get; }

    public JObject Raw { get; }

    public string? Email => Text("email");
    public string? Name => Text("name");
    public string? UserId => Text("userId");
    public string? Locale => Text("locale");
    public DateTimeOffset? FirstSeen => Timestamp("firstSeen");
    public DateTimeOffset? LastSeen => Timestamp("lastSeen");

    public IReadOnlyDictionary<string, JToken?> CustomData { get; }

    public IReadOnlyList<string> Tags =>
        Raw["tags"] is JArray tags
            ? [.. tags.Select(t => t is JObject o ? o.Value<string>("name") : t.Type == JTokenType.String ? t.ToString() : null).OfType<string>()]
            : [];

    /// <summary>Reads one customer object; null when it has no usable id.</summary>
    public static HelpCrunchContact? Parse(JToken? token)
    {
        // Some wrappers nest the customer under "data"; accept both.
        if (token is JObject { } wrapper && wrapper["id"] is null && wrapper["data"] is JObject inner) token = inner;
        if (token is not JObject raw) return null;
        var id = raw["id"] is JValue { Value: not null } value ? Convert.ToString(value.Value, CultureInfo.InvariantCulture) : null;
        if (string.IsNullOrEmpty(id)) return null;
        return new HelpCrunchContact(id, raw, ReadCustomData(raw["customData"]));
    }

    private string? Text(string field) => Raw[field] is JValue { Value: not null } v ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : null;

    private DateTimeOffset? Timestamp(string field)
    {
        if (Raw[field] is not JValue { Value: not null } v) return null;
        if (v.Type is JTokenType.Integer or JTokenType.Float) return DateTimeOffset.FromUnixTimeSeconds(v.Value<long>());
        if (v.Type == JTokenType.Date) return new DateTimeOffset(v.Value<DateTime>());
        var text = v.ToString(CultureInfo.InvariantCulture);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)) return DateTimeOffset.FromUnixTimeSeconds(seconds);
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
