namespace RulesEngine.Core.Flows;

/// <summary>
/// Where a value sits in a flow file. For a JSON string, <see cref="Line"/>/<see cref="Column"/> point at its
/// opening quote and <see cref="RawToken"/> is the token exactly as written (quotes and escapes included), so a
/// position inside the decoded value can be mapped back to the column the user sees.
/// </summary>
internal sealed record SourceLocation(string File, int Line, int Column, string? RawToken = null)
{
    /// <summary>The location of the character at <paramref name="valueIndex"/> of the decoded string value.</summary>
    public SourceLocation AtValueIndex(int valueIndex)
    {
        if (RawToken is null || RawToken.Length < 2 || RawToken[0] != '"') return this;
        // Walk the raw token, decoding escapes, until valueIndex decoded characters have been passed.
        int raw = 1, decoded = 0;
        while (raw < RawToken.Length - 1 && decoded < valueIndex)
        {
            if (RawToken[raw] == '\\')
                raw += RawToken[raw + 1] == 'u' ? 6 : 2;
            else
                raw++;
            decoded++;
        }
        return this with { Column = Column + raw, RawToken = null };
    }

    public Diagnostic Error(string code, string message) => new(File, Line, Column, code, message);
}
