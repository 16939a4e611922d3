using Newtonsoft.Json;

namespace RulesEngine.Core.Connections;

/// <summary>
/// Finds keys written twice in one JSON object. JSON parsers silently keep one of the two (Newtonsoft the last),
/// so <c>{"apiKey": "a", "apiKey": "b"}</c> would work with whichever value the reader happened to keep. Generic:
/// any JSON file's text can be checked (flow files could use it too).
/// </summary>
internal static class DuplicateKeys
{
    /// <summary>A repeated key: its name, the top-level key it sits under (itself at the top level), and where the
    /// repetition is (Newtonsoft's line and position, just past the key).</summary>
    public sealed record Duplicate(string Name, string TopLevelKey, int Line, int Position);

    /// <summary>Every repetition in <paramref name="json"/>; text that is not valid JSON yields what was found before the error.</summary>
    public static IReadOnlyList<Duplicate> Find(string json)
    {
        var found = new List<Duplicate>();
        var open = new Stack<HashSet<string>?>();
        string? topLevel = null;
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonToken.StartObject:
                        open.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonToken.StartArray:
                        open.Push(null);
                        break;
                    case JsonToken.EndObject or JsonToken.EndArray:
                        open.Pop();
                        break;
                    case JsonToken.PropertyName:
                        var name = (string)reader.Value!;
                        if (open.Count == 1) topLevel = name;
                        if (open.Peek() is { } keys && !keys.Add(name))
                            found.Add(new Duplicate(name, topLevel ?? name, reader.LineNumber, reader.LinePosition));
                        break;
                }
            }
        }
        catch (JsonReaderException)
        {
            // The parser reports the syntax error with its place; duplicates before it are still worth reporting.
        }
        return found;
    }
}
