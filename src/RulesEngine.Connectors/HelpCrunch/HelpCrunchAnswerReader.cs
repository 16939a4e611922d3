using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Reads well-formed HelpCrunch answers without building a JSON tree (issue 11: the Newtonsoft trees of the search and
/// batch answers were about 9% of a run's CPU). It only ever says yes to an answer the tree reader
/// (<see cref="HelpCrunchAnswer"/>) would read the same way: strict JSON (RFC 8259, not nested deeper than the tree
/// reader allows), the documented shape, and no repeated key among those acted on. Everything else (a malformed
/// answer, a tolerated variant, JSON only Newtonsoft accepts) is "not mine" and goes to the tree reader, which decides
/// and words the error; so the fast path adds no reading of its own. A customer keeps its object's bytes and becomes a
/// tree only when asked (<see cref="HelpCrunchContact.Raw"/>).
/// </summary>
internal static class HelpCrunchAnswerReader
{
    // Newtonsoft's readers stop at depth 64: what is accepted here stays well inside that, so the lazily built tree of
    // any accepted customer can always be built.
    private static readonly JsonReaderOptions Strict = new() { MaxDepth = 48, CommentHandling = JsonCommentHandling.Disallow };

    // A body with a lone surrogate (possible in a .NET string, never in UTF-8) is the tree reader's.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as UTF-8, or null when it has no exact UTF-8 form.</summary>
    public static byte[]? Bytes(string body)
    {
        try
        {
            return Utf8.GetBytes(body);
        }
        catch (EncoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A search page <c>{"data":[Customer…],"total":N}</c> whose every customer has a usable id and whose
    /// total agrees; false for anything else.</summary>
    public static bool TryReadSearch(byte[] json, int offset, [NotNullWhen(true)] out HelpCrunchSearchResult? result)
    {
        result = null;
        try
        {
            var reader = new Utf8JsonReader(json, Strict);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            List<HelpCrunchContact>? contacts = null;
            long? total = null;
            var sawTotal = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    if (contacts is not null || !reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
                    contacts = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (Contact(ref reader, json) is not { } contact) return false;
                        contacts.Add(contact);
                    }
                }
                else if (reader.ValueTextEquals("total"u8))
                {
                    if (sawTotal || !reader.Read() || Integer(ref reader) is not { } n) return false;
                    sawTotal = true;
                    total = n;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (reader.Read() || contacts is null) return false; // text after the value throws before this
            var count = contacts.Count;
            var all = offset + count;
            if (total is { } given)
            {
                if (given < 0 || given > int.MaxValue) return false;
                all = (int)given;
                if (all < offset + count || (count == 0 && all > offset)) return false;
            }
            result = new HelpCrunchSearchResult(contacts, all);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A customer object with a usable id (or one wrapped in <c>{"data":{…}}</c>); false for anything else.</summary>
    public static bool TryReadCustomer(byte[] json, [NotNullWhen(true)] out HelpCrunchContact? contact)
    {
        contact = null;
        try
        {
            var reader = new Utf8JsonReader(json, Strict);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            contact = Contact(ref reader, json);
            if (contact is null || reader.Read()) contact = null;
            return contact is not null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether the body is one strict JSON value (what the answer of a batch update has to be).</summary>
    public static bool IsJson(byte[] json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, Strict);
            if (!reader.Read()) return false;
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A top-level field of a customer object read by <see cref="Contact"/>, as the tree gives it to
    /// <see cref="HelpCrunchContact"/>: the text of a string (the last one when the key repeats), null when absent or
    /// null. False when the value is of another type (a number's text is the tree's to make).
    /// </summary>
    public static bool TryReadText(ReadOnlySpan<byte> customer, string field, out string? text)
    {
        text = null;
        try
        {
            var reader = new Utf8JsonReader(customer, Strict);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var match = reader.ValueTextEquals(field);
                reader.Read();
                if (!match)
                {
                    reader.Skip();
                    continue;
                }
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        text = reader.GetString();
                        break;
                    case JsonTokenType.Null:
                        text = null;
                        break;
                    default:
                        return false;
                }
            }
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The customer whose object starts at the reader (left on its end), or null when the tree reader decides.</summary>
    private static HelpCrunchContact? Contact(ref Utf8JsonReader reader, byte[] json)
    {
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        var start = (int)reader.TokenStartIndex;
        string? id = null;
        var sawId = false;
        var sawData = false;
        (int Start, int End)? inner = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (sawId || !reader.Read() || (id = Id(ref reader)) is null) return null;
                sawId = true;
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                if (sawData) return null;
                sawData = true;
                reader.Read();
                var innerStart = (int)reader.TokenStartIndex;
                var isObject = reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
                if (isObject) inner = (innerStart, (int)reader.TokenStartIndex + 1);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        var end = (int)reader.TokenStartIndex + 1;
        if (sawId) return HelpCrunchContact.FromJson(id!, json.AsMemory(start, end - start));
        // Some wrappers nest the customer under "data" (one level, as the tree reader unwraps it).
        if (inner is not { } wrapped) return null;
        var nested = new Utf8JsonReader(json.AsSpan(wrapped.Start, wrapped.End - wrapped.Start), Strict);
        nested.Read();
        string? innerId = null;
        var sawInnerId = false;
        while (nested.Read() && nested.TokenType == JsonTokenType.PropertyName)
        {
            if (nested.ValueTextEquals("id"u8))
            {
                if (sawInnerId || !nested.Read() || (innerId = Id(ref nested)) is null) return null;
                sawInnerId = true;
            }
            else
            {
                nested.Read();
                nested.Skip();
            }
        }
        return innerId is null ? null : HelpCrunchContact.FromJson(innerId, json.AsMemory(wrapped.Start, wrapped.End - wrapped.Start));
    }

    /// <summary>As <see cref="HelpCrunchAnswer.Id"/>: a positive whole number within 64 bits, as a JSON integer or a
    /// string of up to 19 digits; null for anything else.</summary>
    private static string? Id(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return Integer(ref reader) is > 0 and var n ? n.ToString(CultureInfo.InvariantCulture) : null;
            case JsonTokenType.String:
                var text = reader.GetString()!;
                return text.Length is > 0 and <= 19 && text.All(char.IsAsciiDigit)
                    && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and <= long.MaxValue
                    ? ((long)parsed).ToString(CultureInfo.InvariantCulture)
                    : null;
            default:
                return null;
        }
    }

    /// <summary>A JSON integer (no fraction, no exponent: Newtonsoft's Integer) within 64 bits, else null.</summary>
    private static long? Integer(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.Number) return null;
        var raw = reader.ValueSpan;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0) return null;
        return reader.TryGetInt64(out var value) ? value : null;
    }
}
