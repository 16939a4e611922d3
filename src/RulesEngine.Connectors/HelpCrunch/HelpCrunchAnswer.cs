using System.Globalization;
using System.Numerics;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Reads HelpCrunch's success answers against their documented shape (docs/api helpcrunch.md §2-3), strictly where
/// the step acts on a field and tolerantly elsewhere:
/// <list type="bullet">
/// <item>search (<c>POST /customers/search</c>): <c>{"data":[Customer…],"total":N}</c> (a bare array is tolerated: the
/// envelope is known from third-party code, not the docs). Every item must be an object with a usable id; <c>total</c>,
/// when present, a whole number that agrees with <c>data</c>.</item>
/// <item>a customer (create, get, update, tag, untag): an object with a usable id (a wrapper <c>{"data":{…}}</c> is
/// tolerated). Other fields are read tolerantly (<see cref="HelpCrunchContact"/>).</item>
/// <item>an id: a positive whole number (the docs: Integer), or a numeric string; never a fraction, <c>1e999</c>, null.</item>
/// </list>
/// An answer without the fields the step acts on is not "no contact": it is the service misbehaving, so it comes out as a
/// transient <see cref="HelpCrunchException"/> (the item is held, never routed to create) quoting what came back.
/// A well-formed answer is read without a tree first (<see cref="HelpCrunchAnswerReader"/>, which accepts nothing the
/// tree reader would read otherwise); every other answer is read here, as a tree, which decides.
/// </summary>
internal static class HelpCrunchAnswer
{
    private const int MaxQuoted = 200;

    /// <summary>The contacts of one search page and how many match in all.</summary>
    public static HelpCrunchSearchResult Search(int status, string body, int offset) =>
        HelpCrunchAnswerReader.Bytes(body) is { } json && HelpCrunchAnswerReader.TryReadSearch(json, offset, out var page)
            ? page
            : SearchFromTree(status, body, offset);

    /// <summary><see cref="Search"/> through a tree: the reader of every answer the fast reader leaves alone.</summary>
    internal static HelpCrunchSearchResult SearchFromTree(int status, string body, int offset)
    {
        var root = Json(status, body, mayHaveActed: false);
        var data = root switch
        {
            JArray bare => bare,
            JObject { } envelope when envelope["data"] is JArray array => array,
            JObject envelope when envelope["data"] is null => throw Malformed(status, body, "a search answer without \"data\"", mayHaveActed: false),
            JObject => throw Malformed(status, body, "a \"data\" that is not an array", mayHaveActed: false),
            _ => throw Malformed(status, body, "a search answer that is not an object", mayHaveActed: false),
        };
        var contacts = new List<HelpCrunchContact>(data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            contacts.Add(Contact(data[i]) ?? throw Malformed(status, body,
                $"a customer without a usable id (a positive whole number) as search result {i + 1}", mayHaveActed: false));
        }
        var total = offset + contacts.Count;
        if (root is JObject o && o["total"] is { } totalToken)
        {
            if (WholeNumber(totalToken) is not { } n || n < 0 || n > int.MaxValue)
                throw Malformed(status, body, "a \"total\" that is not a whole number", mayHaveActed: false);
            total = (int)n;
            if (total < offset + contacts.Count || (contacts.Count == 0 && total > offset))
                throw Malformed(status, body, $"a \"total\" of {total} that contradicts \"data\" ({contacts.Count} contact(s) from offset {offset})", mayHaveActed: false);
        }
        return new HelpCrunchSearchResult(contacts, total);
    }

    /// <summary>A batch update's answer: its shape is not documented, so any JSON is accepted (it may have acted).</summary>
    public static void Batch(int status, string body)
    {
        if (HelpCrunchAnswerReader.Bytes(body) is { } json && HelpCrunchAnswerReader.IsJson(json)) return;
        BatchFromTree(status, body);
    }

    /// <summary><see cref="Batch"/> through a tree: the reader of every answer the fast reader leaves alone.</summary>
    internal static void BatchFromTree(int status, string body) => Json(status, body, mayHaveActed: true);

    /// <summary>The customer a create, get, update, tag or untag answered with.</summary>
    /// <param name="mayHaveActed">The call changes something (so a malformed answer may follow a done change).</param>
    public static HelpCrunchContact Customer(int status, string body, bool mayHaveActed) =>
        HelpCrunchAnswerReader.Bytes(body) is { } json && HelpCrunchAnswerReader.TryReadCustomer(json, out var contact)
            ? contact
            : CustomerFromTree(status, body, mayHaveActed);

    /// <summary><see cref="Customer"/> through a tree: the reader of every answer the fast reader leaves alone.</summary>
    internal static HelpCrunchContact CustomerFromTree(int status, string body, bool mayHaveActed) =>
        Contact(Json(status, body, mayHaveActed))
        ?? throw Malformed(status, body, "a customer without a usable id (a positive whole number)", mayHaveActed);

    /// <summary>One customer object, or null when it has no usable id.</summary>
    public static HelpCrunchContact? Contact(JToken? token)
    {
        // Some wrappers nest the customer under "data"; accept both.
        if (token is JObject { } wrapper && wrapper["id"] is null && wrapper["data"] is JObject inner) token = inner;
        if (token is not JObject raw || Id(raw["id"]) is not { } id) return null;
        return HelpCrunchContact.From(id, raw);
    }

    /// <summary>An id as text: a positive whole number within 64 bits, given as a JSON integer or a numeric string.</summary>
    public static string? Id(JToken? token) =>
        WholeNumber(token) is { } n && n > 0 && n <= long.MaxValue ? ((long)n).ToString(CultureInfo.InvariantCulture) : null;

    private static BigInteger? WholeNumber(JToken? token) => token switch
    {
        JValue { Type: JTokenType.Integer, Value: long l } => l,
        JValue { Type: JTokenType.Integer, Value: int i } => i,
        JValue { Type: JTokenType.Integer, Value: BigInteger b } => b,
        JValue { Type: JTokenType.String, Value: string s } when s.Length is > 0 and <= 19 && s.All(char.IsAsciiDigit) =>
            BigInteger.Parse(s, CultureInfo.InvariantCulture),
        _ => null,
    };

    // Nothing reads an answer's line numbers; keeping them was an object per token of every answer (issue 11: a
    // tenth of what a row allocated, with HelpCrunch's search answers the largest).
    private static readonly JsonLoadSettings NoLineInfo = new() { LineInfoHandling = LineInfoHandling.Ignore };

    /// <summary>The tree of a customer object the fast reader accepted (strict JSON, so this cannot fail), read with the
    /// settings of the whole answer's tree.</summary>
    internal static JObject Object(ReadOnlySpan<byte> json)
    {
        using var reader = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(json))) { DateParseHandling = DateParseHandling.None };
        return (JObject)JToken.ReadFrom(reader, NoLineInfo);
    }

    private static JToken Json(int status, string body, bool mayHaveActed)
    {
        if (string.IsNullOrWhiteSpace(body)) throw Malformed(status, body, "an empty body", mayHaveActed);
        try
        {
            // Dates stay text: nothing here is interpreted beyond its JSON type.
            using var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader, NoLineInfo);
            if (reader.Read()) throw new JsonReaderException("additional text after the JSON value");
            return token;
        }
        catch (JsonException e)
        {
            throw Malformed(status, body, "a body that is not JSON", mayHaveActed, e);
        }
        catch (OverflowException e)
        {
            throw Malformed(status, body, "a number out of range", mayHaveActed, e);
        }
    }

    private static HelpCrunchException Malformed(int status, string body, string what, bool mayHaveActed, Exception? cause = null) =>
        new($"HelpCrunch answered {status} with {what}, not the documented answer (the service misbehaved; the row is held and tried again on the next run): {Quote(body)}",
            status, [], isTransient: true, cause, mayHaveActed)
        { Malformed = true };

    /// <summary>What came back, as it may be shown: at most 200 characters, on one line, secrets masked.</summary>
    internal static string Quote(string body)
    {
        var text = body.Length > MaxQuoted ? body[..MaxQuoted] + "…" : body;
        text = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return text.Length == 0 ? "(empty)" : "'" + SecretRedactor.Redact(text) + "'";
    }
}
