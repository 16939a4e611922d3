using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Connections;

/// <summary>
/// The connections file's text, for places: values through <see cref="FlowText"/>, and keys at their opening quote
/// (Newtonsoft's position for a key is just past it), so an unknown or repeated key is shown where it starts.
/// </summary>
internal sealed class ConnectionsText(string path, string text)
{
    private readonly FlowText _values = new(path, text);
    private readonly int[] _lineStarts = LineStarts(text);

    public string Path => path;

    public SourceLocation Locate(JToken token) => _values.Locate(token);

    /// <summary>The key of <paramref name="property"/>, at its opening quote.</summary>
    public SourceLocation LocateKey(JProperty property)
    {
        var info = (Newtonsoft.Json.IJsonLineInfo)property;
        return info.HasLineInfo() ? LocateKey(info.LineNumber, info.LinePosition) : new SourceLocation(path, 1, 1);
    }

    /// <summary>A key whose end Newtonsoft reported at <paramref name="line"/> and <paramref name="position"/>.</summary>
    public SourceLocation LocateKey(int line, int position)
    {
        var lineIndex = Math.Clamp(line - 1, 0, _lineStarts.Length - 1);
        var offset = Math.Min(text.Length - 1, _lineStarts[lineIndex] + position - 1);
        // Back over a colon and blanks to the key's closing quote, then to its unescaped opening quote.
        while (offset > 0 && text[offset] != '"') offset--;
        var open = offset - 1;
        while (open > 0 && !(text[open] == '"' && text[open - 1] != '\\')) open--;
        if (open < 0) return new SourceLocation(path, line, Math.Max(1, position));
        var index = Array.BinarySearch(_lineStarts, open);
        if (index < 0) index = ~index - 1;
        return new SourceLocation(path, index + 1, open - _lineStarts[index] + 1);
    }

    private static int[] LineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n') starts.Add(i + 1);
        return [.. starts];
    }
}
