using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Core.Flows;

/// <summary>
/// A flow file's text, kept so any token can be given a <see cref="SourceLocation"/> that points at where it
/// starts (Newtonsoft reports where a token ends) with its raw text for mapping positions inside strings.
/// </summary>
internal sealed class FlowText
{
    private readonly string _text;
    private readonly int[] _lineStarts;

    public FlowText(string path, string text)
    {
        Path = path;
        _text = text;
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n') starts.Add(i + 1);
        _lineStarts = [.. starts];
    }

    public string Path { get; }

    public SourceLocation Locate(JToken token)
    {
        if (token is JProperty property) token = property.Value;
        var info = (IJsonLineInfo)token;
        if (!info.HasLineInfo()) return new SourceLocation(Path, 1, 1);
        var line = info.LineNumber;
        var end = Offset(line, info.LinePosition); // just past the token for values; past '{' or '[' for containers
        if (token is JValue { Type: JTokenType.String })
        {
            var close = end - 1;
            while (close > 0 && _text[close] != '"') close--;
            var open = close - 1;
            while (open >= 0 && !(_text[open] == '"' && EvenBackslashesBefore(open))) open--;
            if (open < 0) return new SourceLocation(Path, line, info.LinePosition);
            var (l, c) = LineColumn(open);
            return new SourceLocation(Path, l, c, _text[open..(close + 1)]);
        }
        if (token is JContainer)
        {
            var (l, c) = LineColumn(Math.Max(0, end - 1));
            return new SourceLocation(Path, l, c);
        }
        var start = end;
        while (start > 0 && !char.IsWhiteSpace(_text[start - 1]) && _text[start - 1] is not (':' or ',' or '[')) start--;
        var (sl, sc) = LineColumn(start);
        return new SourceLocation(Path, sl, sc);
    }

    /// <summary>The place of an object key whose reader position (Newtonsoft's: just past the key, or past its
    /// colon) is given: its opening quote, or its first character when written without quotes (Newtonsoft allows it).</summary>
    public SourceLocation LocateKey(int line, int position)
    {
        var end = Math.Min(_text.Length - 1, Offset(line, position) - 1);
        while (end > 0 && (char.IsWhiteSpace(_text[end]) || _text[end] == ':')) end--;
        int start;
        if (_text[end] is '"' or '\'')
        {
            var quote = _text[end];
            start = end - 1;
            while (start > 0 && !(_text[start] == quote && EvenBackslashesBefore(start))) start--;
        }
        else
        {
            start = end;
            while (start > 0 && (char.IsLetterOrDigit(_text[start - 1]) || _text[start - 1] is '_' or '$')) start--;
        }
        var (l, c) = LineColumn(Math.Max(0, start));
        return new SourceLocation(Path, l, c);
    }

    /// <summary>
    /// The 1-based position of a JSON syntax error. Newtonsoft's <c>LinePosition</c> is the 0-based index of the
    /// offending character for "unexpected character" errors, and one past the token otherwise: point at the
    /// character itself when there is one there.
    /// </summary>
    public static (int Line, int Column) ReaderErrorPosition(string text, JsonReaderException e)
    {
        var line = Math.Max(1, e.LineNumber);
        var lines = text.Split('\n');
        if (line <= lines.Length)
        {
            var lineText = lines[line - 1];
            if (e.LinePosition >= 0 && e.LinePosition < lineText.Length && !char.IsWhiteSpace(lineText[e.LinePosition]))
                return (line, e.LinePosition + 1);
        }
        return (line, Math.Max(1, e.LinePosition));
    }

    private bool EvenBackslashesBefore(int index)
    {
        var count = 0;
        for (var i = index - 1; i >= 0 && _text[i] == '\\'; i--) count++;
        return count % 2 == 0;
    }

    private int Offset(int line, int position)
    {
        var lineIndex = Math.Clamp(line - 1, 0, _lineStarts.Length - 1);
        return Math.Min(_text.Length, _lineStarts[lineIndex] + position);
    }

    private (int Line, int Column) LineColumn(int offset)
    {
        var index = Array.BinarySearch(_lineStarts, offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }
}
