using System.Globalization;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// <c>POST /customers/search</c> semantics: filters on <c>customers.&lt;field&gt;</c> with <c>= != ~ !~ &gt; &lt; &gt;= &lt;=</c>,
/// joined by <c>comparison</c> AND (default) or OR; <c>customers.tagsData = [{name}…]</c> matches contacts that carry
/// all those tags; then <c>sort</c>/<c>order</c> and <c>limit</c>/<c>offset</c> (limit capped at 100).
/// </summary>
internal static class CustomerSearch
{
    public const int MaxLimit = 100;
    private static readonly string[] Operators = ["=", "!=", "~", "!~", ">", "<", ">=", "<="];
    private static readonly string[] LocationFields = ["city", "regionCode", "countryCode"];

    public static (List<JObject> Page, int Total) Run(CustomerStore store, JObject request, bool caseSensitive)
    {
        var filters = request["filter"] switch
        {
            null or { Type: JTokenType.Null } => [],
            JArray array => array.Select(Filter.Read).ToList(),
            _ => throw ApiError.BadRequest("filter must be an array"),
        };
        var any = (request.Value<string>("comparison") ?? "AND").ToUpperInvariant() switch
        {
            "AND" => false,
            "OR" => true,
            var other => throw ApiError.BadRequest($"comparison must be AND or OR, not '{other}'"),
        };
        var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var (sort, order) = (request.Value<string>("sort"), request.Value<string>("order"));
        var (limit, offset) = (Int(request["limit"], MaxLimit), Int(request["offset"], 0));
        return store.Query(IndexedEmails(filters, any), contacts =>
        {
            var matched = contacts.Where(c => filters.Count == 0
                || (any ? filters.Any(f => f.Matches(c, comparison)) : filters.All(f => f.Matches(c, comparison)))).ToList();
            return Page(matched, sort, order, limit, offset);
        });
    }

    /// <summary>
    /// The emails whose contacts are the only ones these filters can match, or null when they can match others. An
    /// <c>email = "text"</c> filter matches only a contact with that email (ignoring case, which covers the
    /// case-sensitive option too), so: every filter of an OR, or any one of an AND. The filters still decide.
    /// </summary>
    private static List<string>? IndexedEmails(List<Filter> filters, bool any)
    {
        var byEmail = filters.Select(f => f.EmailEquals).OfType<string>().ToList();
        if (byEmail.Count == 0 || (any && byEmail.Count != filters.Count)) return null;
        return any ? byEmail : [byEmail[0]];
    }

    public static (List<JObject> Page, int Total) Page(List<JObject> contacts, string? sort, string? order, int limit, int offset)
    {
        IEnumerable<JObject> ordered = contacts;
        if (!string.IsNullOrEmpty(sort))
        {
            var field = sort.StartsWith("customers.", StringComparison.Ordinal) ? sort["customers.".Length..] : sort;
            if (field is not ("firstSeen" or "lastSeen")) throw ApiError.BadRequest($"cannot sort by '{sort}'");
            var descending = string.Equals(order, "desc", StringComparison.OrdinalIgnoreCase);
            ordered = descending ? contacts.OrderByDescending(c => Number(c[field]) ?? 0) : contacts.OrderBy(c => Number(c[field]) ?? 0);
        }
        if (limit < 1) throw ApiError.Invalid("limit", "limit must be at least 1");
        if (offset < 0) throw ApiError.Invalid("offset", "offset must not be negative");
        return ([.. ordered.Skip(offset).Take(Math.Min(limit, MaxLimit))], contacts.Count);
    }

    private static int Int(JToken? token, int defaultValue) =>
        token is null || token.Type == JTokenType.Null ? defaultValue
        : int.TryParse(token.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw ApiError.BadRequest($"'{token}' is not a whole number");

    private static double? Number(JToken? token) =>
        token is JValue { Value: not null } v && double.TryParse(Convert.ToString(v.Value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? n : null;

    private sealed record Filter(string Field, string Operator, JToken Value)
    {
        public static Filter Read(JToken token)
        {
            if (token is not JObject f) throw ApiError.BadRequest("each filter must be an object {field, operator, value}");
            var field = f.Value<string>("field") ?? "";
            if (!field.StartsWith("customers.", StringComparison.Ordinal) || field.Length == "customers.".Length)
                throw ApiError.BadRequest($"filter field '{field}' must look like customers.email");
            var op = f.Value<string>("operator") ?? "";
            if (!Operators.Contains(op)) throw ApiError.BadRequest($"unknown operator '{op}'; use one of {string.Join(" ", Operators)}");
            var filter = new Filter(field["customers.".Length..], op, f["value"] ?? JValue.CreateNull());
            if (op is ">" or "<" or ">=" or "<=" && Number(filter.Value) is null)
                throw ApiError.Invalid("filter", $"operator {op} needs a number or UNIX timestamp, not '{filter.Value}'");
            return filter;
        }

        /// <summary>The text of an <c>email = "text"</c> filter; null for any other filter (a number compares numerically).</summary>
        public string? EmailEquals => Field == "email" && Operator == "=" && Value is JValue { Type: JTokenType.String, Value: string text } ? text : null;

        public bool Matches(JObject contact, StringComparison comparison)
        {
            if (Field == "tagsData") return TagsMatch(contact) == (Operator == "=");
            var actual = LocationFields.Contains(Field) ? contact["location"]?[Field] : contact[Field];
            var text = actual is JValue { Value: not null } a ? Convert.ToString(a.Value, CultureInfo.InvariantCulture) : null;
            var wanted = Value is JValue { Value: not null } w ? Convert.ToString(w.Value, CultureInfo.InvariantCulture) : null;
            return Operator switch
            {
                "=" => Equal(text, wanted, comparison),
                "!=" => !Equal(text, wanted, comparison),
                "~" => text is not null && wanted is not null && text.Contains(wanted, comparison),
                "!~" => text is null || wanted is null || !text.Contains(wanted, comparison),
                _ => Number(actual) is { } x && Number(Value) is { } y && Operator switch
                {
                    ">" => x > y,
                    "<" => x < y,
                    ">=" => x >= y,
                    _ => x <= y,
                },
            };
        }

        private bool Equal(string? text, string? wanted, StringComparison comparison) =>
            text is null || wanted is null ? text == wanted
            : Numeric && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                ? x == y
                : string.Equals(text, wanted, comparison);

        // A number in the filter compares numerically ("1603885746" = 1603885746); text compares as text, so "007" is not "7".
        private bool Numeric => Value.Type is JTokenType.Integer or JTokenType.Float;

        private bool TagsMatch(JObject contact)
        {
            var names = (contact["tags"] as JArray ?? []).OfType<JObject>().Select(t => t.Value<string>("name")).ToHashSet(StringComparer.Ordinal);
            var wanted = (Value as JArray ?? []).Select(t => t is JObject o ? o.Value<string>("name") : t.ToString()).ToList();
            return wanted.All(n => n is not null && names.Contains(n));
        }
    }
}
