using System.Globalization;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// The rules that turn a step's <c>fields</c> mapping into a HelpCrunch customer body. Shared by create and
/// update, checked once when the flow loads and again for every item once templates are rendered.
/// <list type="bullet">
/// <item>Keys must be writable customer fields (<see cref="Known"/>); any other key is a load-time error that names
/// it, suggests the closest one and lists the valid ones. <c>id</c> and <c>location</c> are not writable: HelpCrunch
/// assigns the id, and location is written through the flat <c>city</c>/<c>regionCode</c>/<c>countryCode</c>.</item>
/// <item>A value that renders empty (or only spaces) is left out of the request, so an empty sheet cell never wipes a
/// field. A JSON <c>null</c> written in the mapping is sent as null, which clears the field.</item>
/// <item><c>locale</c> must be an ISO 639-1 code (two letters from the real list; "EN" is sent as "en"). A literal
/// invalid locale is a load-time error; a rendered invalid one fails that item before anything is sent.</item>
/// <item><c>unsubscribed</c>/<c>blocked</c>: true/false (also yes/no, 1/0) become JSON booleans.</item>
/// <item><c>firstSeen</c>/<c>lastSeen</c>: sent as UNIX-timestamp strings, as HelpCrunch documents; a number or a
/// date text (e.g. 2024-05-01T10:00:00Z, read as UTC when it has no offset) is converted.</item>
/// <item><c>customData</c>: an object of property → value, sent as <c>[{"property":…,"value":…}]</c>. Empty values
/// are left out like any other field; an array already in that shape is accepted too. A template always renders
/// text, so a typed value is written <c>{"type": "number", "value": "{Payments}"}</c>: <c>text</c> (the default),
/// <c>number</c> (sent as a JSON number), <c>boolean</c> (true/false, yes/no, 1/0) or <c>date</c> (sent as a UNIX
/// timestamp string, as HelpCrunch stores dates). Numbers and true/false written literally are sent as they are.</item>
/// <item><c>tags</c>: a list of names or <c>{"name","color"}</c> objects, or one text of comma-separated names
/// (handy for a sheet column), sent as <c>[{"name":…}]</c> (plus <c>color</c> when given). A list whose entries
/// all rendered empty is left out; a literal <c>[]</c> is sent.</item>
/// <item>Every other field is text; numbers and booleans written in the mapping are sent as their text.</item>
/// </list>
/// </summary>
public static class ContactFieldMapping
{
    public const string CustomData = "customData";
    public const string Tags = "tags";
    public const string Locale = "locale";

    /// <summary>The customer fields a mapping may set.</summary>
    public static readonly IReadOnlyList<string> Known =
    [
        "name", "email", "userId", "phone", "company", Locale, "notes", "firstSeen", "lastSeen", "city", "regionCode",
        "countryCode", "unsubscribed", "blocked", "source", "referer", "lastPage", "createdFrom", "integrationId",
        CustomData, Tags,
    ];

    private static readonly HashSet<string> KnownSet = new(Known, StringComparer.Ordinal);
    private static readonly HashSet<string> Booleans = new(StringComparer.Ordinal) { "unsubscribed", "blocked" };
    private static readonly HashSet<string> Timestamps = new(StringComparer.Ordinal) { "firstSeen", "lastSeen" };

    /// <summary>One problem per key that is not a writable customer field (empty when all are).</summary>
    public static IReadOnlyList<string> CheckKeys(IEnumerable<string> keys) =>
        [.. keys.Where(k => !KnownSet.Contains(k)).Select(UnknownKey)];

    /// <summary>
    /// Load-time check of values written without placeholders: each top-level entry with no <c>{</c> in any of its
    /// texts is built as it will be sent, so a literal <c>"locale": "xx"</c> is reported before any run.
    /// Unknown keys are left to <see cref="CheckKeys"/>.
    /// </summary>
    public static IReadOnlyList<(string Key, string Problem)> CheckLiterals(JObject mapping)
    {
        var problems = new List<(string, string)>();
        foreach (var property in mapping.Properties())
        {
            if (!KnownSet.Contains(property.Name) || HasPlaceholder(property.Value)) continue;
            if (!TryBuild(new JObject(new JProperty(property.Name, property.Value.DeepClone())), out _, out var error))
                problems.Add((property.Name, error));
        }
        return problems;
    }

    /// <summary>
    /// Builds the request body from a rendered mapping. False, with every problem in <paramref name="error"/>,
    /// when a value cannot be sent (nothing should be sent for that item then).
    /// </summary>
    public static bool TryBuild(JToken rendered, out JObject body, out string error)
    {
        body = [];
        if (rendered is not JObject mapping)
        {
            error = "\"fields\" must be an object mapping contact fields to values";
            return false;
        }
        var problems = new List<string>();
        foreach (var property in mapping.Properties())
        {
            var name = property.Name;
            var value = property.Value;
            if (!KnownSet.Contains(name))
            {
                problems.Add(UnknownKey(name));
                continue;
            }
            if (value.Type == JTokenType.Null)
            {
                body[name] = JValue.CreateNull();
                continue;
            }
            JToken? built = name switch
            {
                CustomData => BuildCustomData(value, problems),
                Tags => BuildTags(value, problems),
                Locale => Text(name, value, problems) is { } text ? LocaleOf(text, problems) : null,
                _ when Booleans.Contains(name) => Boolean(name, value, problems),
                _ when Timestamps.Contains(name) => Timestamp(name, value, problems),
                _ => Text(name, value, problems) is { } text ? new JValue(text) : null,
            };
            if (built is not null) body[name] = built;
        }
        error = string.Join("; ", problems);
        return problems.Count == 0;
    }

    private static bool HasPlaceholder(JToken token) =>
        token is JValue { Type: JTokenType.String } s
            ? s.ToString(CultureInfo.InvariantCulture).Contains('{', StringComparison.Ordinal)
            : token.Children().Any(HasPlaceholder) || (token is JProperty p && HasPlaceholder(p.Value));

    private static string UnknownKey(string key)
    {
        var hint = key switch
        {
            "id" => " (HelpCrunch assigns the id; use searchBy \"id\" to find a contact by it)",
            "location" => " (write location as the flat fields city, regionCode and countryCode)",
            _ => Closest(key) is { } near ? $"; did you mean '{near}'?" : "",
        };
        return $"unknown contact field '{key}'{hint} Valid fields: {string.Join(", ", Known)}";
    }

    private static string? Closest(string key)
    {
        var exact = Known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (exact is not null) return exact;
        var lower = key.ToLowerInvariant();
        var best = Known.Select(k => (Name: k, Distance: Distance(lower, k.ToLowerInvariant()))).MinBy(c => c.Distance);
        return best.Distance <= Math.Max(2, key.Length / 3) ? best.Name : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>The text of a scalar; null when empty (left out) or not a scalar (a problem).</summary>
    private static string? Text(string name, JToken value, List<string> problems)
    {
        if (value is not JValue scalar)
        {
            problems.Add($"'{name}' must be text, not {value.Type.ToString().ToLowerInvariant()}");
            return null;
        }
        var text = scalar.Type == JTokenType.Boolean
            ? (scalar.Value<bool>() ? "true" : "false")
            : Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? "";
        return string.IsNullOrWhiteSpace(text) ? null : text;
    }

    private static JValue? LocaleOf(string text, List<string> problems)
    {
        var code = Iso639.Normalize(text, out var problem);
        if (code is null) problems.Add(problem);
        return code is null ? null : new JValue(code);
    }

    private static JValue? Boolean(string name, JToken value, List<string> problems)
    {
        if (value.Type == JTokenType.Boolean) return new JValue(value.Value<bool>());
        var text = Text(name, value, problems);
        if (text is null) return null;
        switch (text.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "1": return new JValue(true);
            case "false" or "no" or "0": return new JValue(false);
            default:
                problems.Add($"'{name}' is '{text}'; it must be true or false");
                return null;
        }
    }

    private static JValue? Timestamp(string name, JToken value, List<string> problems)
    {
        var text = Text(name, value, problems)?.Trim();
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
            return new JValue(seconds.ToString(CultureInfo.InvariantCulture));
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fractional))
            return new JValue(((long)fractional).ToString(CultureInfo.InvariantCulture));
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return new JValue(date.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        problems.Add($"'{name}' is '{text}'; it must be a UNIX timestamp or a date such as 2024-05-01T10:00:00Z");
        return null;
    }

    private static JArray? BuildCustomData(JToken value, List<string> problems)
    {
        var entries = new JArray();
        switch (value)
        {
            case JObject map:
                foreach (var p in map.Properties()) AddCustomValue(entries, p.Name, p.Value, problems);
                break;
            case JArray list:
                foreach (var item in list)
                {
                    if (item is JObject { } e && e.Value<string>("property") is { Length: > 0 } property)
                        AddCustomValue(entries, property, e["value"] ?? JValue.CreateNull(), problems);
                    else
                        problems.Add("'customData' as a list must hold {\"property\": …, \"value\": …} objects");
                }
                break;
            default:
                problems.Add("'customData' must be an object of property → value");
                return null;
        }
        return entries.Count == 0 ? null : entries;
    }

    /// <summary>The value types a typed customData entry may declare.</summary>
    public static readonly IReadOnlyList<string> CustomDataTypes = ["text", "number", "boolean", "date"];

    private static void AddCustomValue(JArray entries, string property, JToken value, List<string> problems)
    {
        if (value is JObject typed)
        {
            AddTypedValue(entries, property, typed, problems);
            return;
        }
        if (value is not JValue scalar)
        {
            problems.Add($"customData '{property}' must be text, a number or true/false");
            return;
        }
        if (scalar.Type == JTokenType.String && string.IsNullOrWhiteSpace(scalar.ToString(CultureInfo.InvariantCulture))) return;
        entries.Add(new JObject { ["property"] = property, ["value"] = scalar.DeepClone() });
    }

    private static void AddTypedValue(JArray entries, string property, JObject typed, List<string> problems)
    {
        var name = $"customData '{property}'";
        var type = (typed["type"] is JValue t ? Convert.ToString(t.Value, CultureInfo.InvariantCulture) : null)?.Trim().ToLowerInvariant() ?? "text";
        if (!CustomDataTypes.Contains(type) || typed.Properties().Any(p => p.Name is not ("type" or "value")))
        {
            problems.Add($"{name} must be {{\"type\": {string.Join("|", CustomDataTypes)}, \"value\": …}}");
            return;
        }
        if (typed["value"] is not JValue scalar)
        {
            problems.Add($"{name} needs a \"value\" (text, a number or true/false)");
            return;
        }
        if (scalar.Type == JTokenType.Null)
        {
            entries.Add(new JObject { ["property"] = property, ["value"] = JValue.CreateNull() });
            return;
        }
        // An empty cell is left out, whatever the type, so it never wipes a stored value.
        if (scalar.Type == JTokenType.String && string.IsNullOrWhiteSpace(scalar.ToString(CultureInfo.InvariantCulture))) return;
        JValue? converted = type switch
        {
            "number" => Number(name, scalar, problems),
            "boolean" => Boolean(name, scalar, problems),
            "date" => Timestamp(name, scalar, problems),
            _ => new JValue(scalar.Type == JTokenType.Boolean ? (scalar.Value<bool>() ? "true" : "false") : Convert.ToString(scalar.Value, CultureInfo.InvariantCulture)),
        };
        if (converted is not null) entries.Add(new JObject { ["property"] = property, ["value"] = converted });
    }

    private static JValue? Number(string name, JValue value, List<string> problems)
    {
        if (value.Type is JTokenType.Integer or JTokenType.Float) return (JValue)value.DeepClone();
        var text = Convert.ToString(value.Value, CultureInfo.InvariantCulture)?.Trim() ?? "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return new JValue(whole);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real)) return new JValue(real);
        problems.Add($"{name} is '{text}'; it must be a number such as 15 or 12.5");
        return null;
    }

    private static JArray? BuildTags(JToken value, List<string> problems)
    {
        var tags = new JArray();
        var items = value is JArray list ? list.ToList() : [value];
        foreach (var item in items)
        {
            switch (item)
            {
                case JValue scalar when scalar.Type != JTokenType.Null:
                    foreach (var name in (Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                        tags.Add(new JObject { ["name"] = name });
                    break;
                case JObject tag:
                    var tagName = tag["name"] is JValue n ? Convert.ToString(n.Value, CultureInfo.InvariantCulture)?.Trim() : null;
                    if (string.IsNullOrEmpty(tagName)) break;
                    var entry = new JObject { ["name"] = tagName };
                    if (tag["color"] is JValue c && Convert.ToString(c.Value, CultureInfo.InvariantCulture) is { Length: > 0 } color && !string.IsNullOrWhiteSpace(color))
                        entry["color"] = color.Trim();
                    tags.Add(entry);
                    break;
                case JValue:
                    break;
                default:
                    problems.Add("'tags' must be a list of names or {\"name\", \"color\"} objects");
                    return null;
            }
        }
        // A literal [] is an explicit "no tags"; entries that all rendered empty are an empty cell, left out.
        if (tags.Count == 0) return value is JArray { Count: 0 } ? tags : null;
        return tags;
    }
}
