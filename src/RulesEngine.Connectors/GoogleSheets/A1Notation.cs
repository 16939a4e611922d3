using System.Text.RegularExpressions;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>The bits of A1 notation both the client and the emulator need: column letters and quoted sheet names.</summary>
internal static partial class A1Notation
{
    /// <summary>1 → A, 26 → Z, 27 → AA.</summary>
    public static string ColumnName(int number)
    {
        var name = "";
        for (; number > 0; number = (number - 1) / 26) name = (char)('A' + (number - 1) % 26) + name;
        return name;
    }

    /// <summary>A → 1, AA → 27 (letters only, any case).</summary>
    public static int ColumnNumber(string letters)
    {
        var number = 0;
        foreach (var c in letters.ToUpperInvariant()) number = checked(number * 26 + (c - 'A' + 1));
        return number;
    }

    /// <summary>The sheet name as A1 notation wants it: quoted (with <c>'</c> doubled) unless it is a plain word.</summary>
    public static string Sheet(string name) =>
        PlainName().IsMatch(name) && !CellLike().IsMatch(name) ? name : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();

    // A name such as "A1" or "R1C1" would be read as a cell, so it must be quoted too.
    [GeneratedRegex("^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*)$")]
    private static partial Regex CellLike();
}
