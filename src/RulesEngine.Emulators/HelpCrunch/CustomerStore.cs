using System.Globalization;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// The emulator's contacts, kept in HelpCrunch's response shape (customData as a map, location nested,
/// timestamps as numeric strings). Writes are validated on a copy and committed whole, or rejected with an
/// <see cref="ApiError"/>. Thread-safe.
/// </summary>
internal sealed class CustomerStore(HelpCrunchEmulatorOptions options)
{
    public const string DefaultTagColor = "#c377e0";

    private static readonly string[] TextFields =
        ["name", "email", "userId", "company", "phone", "source", "referer", "lastPage", "createdFrom", "integrationId", "notes"];
    private static readonly string[] LocationFields = ["city", "regionCode", "countryCode"];
    private static readonly string[] BooleanFields = ["unsubscribed", "blocked"];
    private static readonly string[] TimestampFields = ["firstSeen", "lastSeen"];

    private readonly object _gate = new();
    private readonly SortedDictionary<long, JObject> _contacts = [];
    private readonly ContactIndex _byEmail = new(StringComparer.OrdinalIgnoreCase);
    private readonly ContactIndex _byUserId = new(StringComparer.Ordinal);
    private long _nextId = 542_335;
    private long _contactsRead;

    public JObject Create(JObject fields, bool seeding = false)
    {
        lock (_gate)
        {
            var id = seeding && fields["id"] is JValue { Type: JTokenType.Integer } given ? given.Value<long>() : _nextId;
            if (_contacts.ContainsKey(id)) throw ApiError.Invalid("id", $"customer {id} already exists");
            var contact = Empty(id);
            Apply(contact, fields, seeding);
            if (!seeding) CheckUnique(contact);
            _contacts[id] = contact;
            Index(contact);
            _nextId = Math.Max(_nextId, id + 1);
            return Shape(contact);
        }
    }

    public JObject Get(long id)
    {
        lock (_gate) return Shape(Find(id));
    }

    /// <summary>PATCH (merge) or PUT (replace: fields left out become null unless <see cref="HelpCrunchEmulatorOptions.PutKeepsMissingFields"/>).</summary>
    public JObject Update(long id, JObject fields, bool replace)
    {
        lock (_gate)
        {
            var current = Find(id);
            var next = replace && !options.PutKeepsMissingFields ? Empty(id) : (JObject)current.DeepClone();
            Apply(next, fields, seeding: false);
            CheckUnique(next);
            Unindex(current);
            _contacts[id] = next;
            Index(next);
            return Shape(next);
        }
    }

    public void Delete(long id)
    {
        lock (_gate)
        {
            Unindex(Find(id));
            _contacts.Remove(id);
        }
    }

    public JObject Tag(long id, JToken? tags, bool add)
    {
        lock (_gate)
        {
            var contact = Find(id);
            var list = (JArray)contact["tags"]!;
            foreach (var tag in ReadTags(tags, allowNames: false))
            {
                var name = tag.Value<string>("name")!;
                var existing = list.OfType<JObject>().FirstOrDefault(t => t.Value<string>("name") == name);
                if (add && existing is null) list.Add(tag);
                if (!add) existing?.Remove();
            }
            return Shape(contact);
        }
    }

    public IReadOnlyList<JObject> Snapshot()
    {
        lock (_gate) return [.. _contacts.Values.Select(Shape)];
    }

    /// <summary>How many stored contacts searches and lists have read so far (what the email index saves).</summary>
    public long ContactsRead
    {
        get { lock (_gate) return _contactsRead; }
    }

    /// <summary>
    /// Runs <paramref name="query"/> (filter, sort, page) over the stored contacts in id order, under the store's lock so
    /// it reads them in place rather than copying every contact, and answers API-shaped copies of the page it picks.
    /// With <paramref name="emails"/>, the query sees only the contacts whose email is one of them, ignoring case (the
    /// email index): the caller passes them only when its filters cannot match any other contact.
    /// </summary>
    public (List<JObject> Page, int Total) Query(IReadOnlyCollection<string>? emails, Func<List<JObject>, (List<JObject> Page, int Total)> query)
    {
        lock (_gate)
        {
            var contacts = emails is null ? [.. _contacts.Values] : _byEmail.Ids(emails).Select(id => _contacts[id]).ToList();
            _contactsRead += contacts.Count;
            var (page, total) = query(contacts);
            return ([.. page.Select(Shape)], total);
        }
    }

    /// <summary>A contact as the API answers it.</summary>
    private JObject Shape(JObject stored)
    {
        var copy = (JObject)stored.DeepClone();
        if (options.CustomDataAsArray && copy["customData"] is JObject map)
            copy["customData"] = new JArray(map.Properties().Select(p => new JObject { ["property"] = p.Name, ["value"] = p.Value }));
        return copy;
    }

    private JObject Find(long id) =>
        _contacts.TryGetValue(id, out var contact) ? contact : throw new ApiError(404, "entity_not_found", $"Customer {id} not found");

    private static JObject Empty(long id)
    {
        var contact = new JObject { ["id"] = id };
        foreach (var f in TextFields.Concat(TimestampFields).Append("locale")) contact[f] = JValue.CreateNull();
        contact["location"] = new JObject { ["regionCode"] = null, ["countryCode"] = null, ["city"] = null };
        contact["device"] = JValue.CreateNull();
        contact["unsubscribed"] = false;
        contact["blocked"] = false;
        contact["tags"] = new JArray();
        contact["customData"] = new JObject();
        return contact;
    }

    private void CheckUnique(JObject contact)
    {
        var id = contact.Value<long>("id");
        if (options.RejectDuplicateUserId && contact.Value<string>("userId") is { Length: > 0 } userId && _byUserId.HasOther(userId, id))
            throw ApiError.Invalid("userId", $"Customer with userId '{userId}' already exists");
        if (options.RejectDuplicateEmail && contact.Value<string>("email") is { Length: > 0 } email && _byEmail.HasOther(email, id))
            throw ApiError.Invalid("email", $"Customer with email '{email}' already exists");
    }

    private void Index(JObject contact)
    {
        var id = contact.Value<long>("id");
        _byEmail.Add(contact.Value<string>("email"), id);
        _byUserId.Add(contact.Value<string>("userId"), id);
    }

    private void Unindex(JObject contact)
    {
        var id = contact.Value<long>("id");
        _byEmail.Remove(contact.Value<string>("email"), id);
        _byUserId.Remove(contact.Value<string>("userId"), id);
    }

    /// <summary>Writes request fields onto <paramref name="contact"/>. Seeding also accepts the response shapes.</summary>
    private void Apply(JObject contact, JObject fields, bool seeding)
    {
        foreach (var (name, value) in fields.Properties().Select(p => (p.Name, p.Value)))
        {
            if (name == "id" || name == "customer") continue;
            var isNull = value.Type == JTokenType.Null;
            if (TextFields.Contains(name))
            {
                contact[name] = isNull ? JValue.CreateNull() : new JValue(Scalar(name, value));
            }
            else if (LocationFields.Contains(name))
            {
                contact["location"]![name] = isNull ? JValue.CreateNull() : new JValue(Scalar(name, value));
            }
            else if (name == "location" && seeding && value is JObject location)
            {
                foreach (var f in LocationFields) if (location[f] is { } v) contact["location"]![f] = v.DeepClone();
            }
            else if (name == "locale")
            {
                var locale = isNull ? null : Scalar(name, value);
                if (locale is not null && options.ValidateLocale && !Iso639.IsCode(locale))
                    throw ApiError.Invalid("locale", $"Locale '{locale}' is not a valid ISO 639-1 code");
                contact[name] = locale is null ? JValue.CreateNull() : new JValue(locale);
            }
            else if (BooleanFields.Contains(name))
            {
                if (value.Type != JTokenType.Boolean) throw ApiError.Invalid(name, $"{name} must be a boolean");
                contact[name] = value.Value<bool>();
            }
            else if (TimestampFields.Contains(name))
            {
                var text = isNull ? null : Scalar(name, value);
                if (text is not null && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    throw ApiError.Invalid(name, $"{name} must be a UNIX timestamp");
                contact[name] = text is null ? JValue.CreateNull() : new JValue(text);
            }
            else if (name == "customData")
            {
                ApplyCustomData(contact, value, seeding);
            }
            else if (name == "tags")
            {
                contact["tags"] = new JArray(ReadTags(value, allowNames: seeding));
            }
            else if (options.RejectUnknownFields && !(seeding && name == "device"))
            {
                throw ApiError.BadRequest($"Unknown customer field '{name}'");
            }
        }
    }

    private static string Scalar(string name, JToken value) =>
        value is JValue { Type: JTokenType.String or JTokenType.Integer or JTokenType.Float } v
            ? Convert.ToString(v.Value, CultureInfo.InvariantCulture)!
            : throw ApiError.Invalid(name, $"{name} must be a string");

    private static void ApplyCustomData(JObject contact, JToken value, bool seeding)
    {
        var map = (JObject)contact["customData"]!;
        switch (value)
        {
            case { Type: JTokenType.Null }:
                map.RemoveAll();
                break;
            case JArray entries:
                foreach (var entry in entries)
                {
                    if (entry is not JObject e || e.Value<string>("property") is not { Length: > 0 } property || e["value"] is not JValue v)
                        throw ApiError.Invalid("customData", "customData must be an array of {\"property\", \"value\"} objects");
                    if (v.Type == JTokenType.Null) map.Remove(property);
                    else map[property] = v.DeepClone();
                }
                break;
            case JObject given when seeding:
                foreach (var p in given.Properties()) map[p.Name] = p.Value.DeepClone();
                break;
            default:
                throw ApiError.Invalid("customData", "customData must be an array of {\"property\", \"value\"} objects");
        }
    }

    private static List<JObject> ReadTags(JToken? value, bool allowNames)
    {
        if (value is not JArray items) throw ApiError.Invalid("tags", "tags must be an array of {\"name\"} objects");
        var tags = new List<JObject>();
        foreach (var item in items)
        {
            var name = item switch
            {
                JObject o => o.Value<string>("name"),
                JValue { Type: JTokenType.String } s when allowNames => s.ToString(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (string.IsNullOrEmpty(name)) throw ApiError.Invalid("tags", "every tag needs a \"name\"");
            var color = (item as JObject)?.Value<string>("color");
            tags.Add(new JObject { ["name"] = name, ["color"] = string.IsNullOrEmpty(color) ? DefaultTagColor : color });
        }
        return tags;
    }
}
