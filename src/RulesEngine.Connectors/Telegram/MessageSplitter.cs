namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// Cuts a text longer than Telegram's 4096-character limit into parts that each fit, in order and losing nothing:
/// at the last line break inside the limit when there is one, else at the last space, else hard at the limit
/// (never between the two halves of a surrogate pair). The break itself is dropped, since Telegram trims each
/// message anyway. Lengths are UTF-16 units, as Telegram counts them. With a parse mode, formatting that spans a
/// cut (an HTML tag, a Markdown span) breaks; the limit applies to the raw text, which is never shorter than the
/// parsed one, so every part is accepted.
/// </summary>
internal static class MessageSplitter
{
    public const int MaxLength = 4096;

    public static IReadOnlyList<string> Split(string text, int maxLength = MaxLength)
    {
        if (text.Length <= maxLength) return [text];
        var parts = new List<string>();
        var rest = text.AsSpan();
        while (rest.Length > maxLength)
        {
            var window = rest[..(maxLength + 1)]; // a break right after the limit still lets the part fill it
            var cut = window.LastIndexOf('\n');
            var skip = 1;
            if (cut <= 0)
            {
                cut = window.LastIndexOf(' ');
                if (cut <= 0)
                {
                    cut = char.IsHighSurrogate(rest[maxLength - 1]) ? maxLength - 1 : maxLength;
                    skip = 0;
                }
            }
            var part = rest[..cut].TrimEnd('\r');
            if (part.Length > 0) parts.Add(part.ToString());
            rest = rest[(cut + skip)..];
        }
        if (rest.Length > 0) parts.Add(rest.ToString());
        return parts;
    }
}
