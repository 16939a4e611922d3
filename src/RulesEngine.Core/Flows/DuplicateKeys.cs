using Newtonsoft.Json;

namespace RulesEngine.Core.Flows;

/// <summary>
/// Keys written twice in one JSON object. Newtonsoft keeps the last one silently, so a flow with two
/// <c>"condition"</c> keys would run a condition its author may not have meant: each repeat is an error at the
/// repeated key, naming the place of the first.
/// </summary>
internal static class DuplicateKeys
{
    public static IReadOnlyList<Diagnostic> Find(FlowText text, string content)
    {
        var problems = new List<Diagnostic>();
        var objects = new Stack<Dictionary<string, SourceLocation>>();
        using var reader = new JsonTextReader(new StringReader(content));
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonToken.StartObject:
                        objects.Push(new Dictionary<string, SourceLocation>(StringComparer.Ordinal));
                        break;
                    case JsonToken.EndObject:
                        objects.Pop();
                        break;
                    case JsonToken.PropertyName when objects.Count > 0:
                        var name = (string)reader.Value!;
                        var at = text.LocateKey(reader.LineNumber, reader.LinePosition);
                        if (objects.Peek().TryGetValue(name, out var first))
                            problems.Add(at.Error("RE0030",
                                $"key \"{name}\" is written twice in this object (first at line {first.Line}, column {first.Column}); JSON keeps only the last one, so remove the one you do not mean"));
                        else
                            objects.Peek()[name] = at;
                        break;
                }
            }
        }
        catch (JsonReaderException)
        {
            // malformed JSON is reported by the parse itself
        }
        return problems;
    }
}
