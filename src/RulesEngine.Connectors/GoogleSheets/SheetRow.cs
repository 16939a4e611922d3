using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>One row as read, with the content key that recognises it wherever it moves in the sheet.</summary>
internal sealed class SheetRow(int number, IReadOnlyList<string> cells)
{
    public int Number { get; } = number;
    public IReadOnlyList<string> Cells { get; } = cells;

    /// <summary>The hash of every cell: the row's identity by default, and always what a position's anchor is checked with.</summary>
    public string Key { get; } = KeyOf(cells);

    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    /// <summary>
    /// The row's identity from the cells at <paramref name="columns"/> only (the source's key columns, as header
    /// indexes, in their declared order), each trimmed; null when all of them are empty (the row is not ready). Two rows
    /// with the same key cells are the same item, whatever their other cells hold.
    /// </summary>
    public string? KeyBy(IReadOnlyList<int> columns)
    {
        var values = columns.Select(c => c < Cells.Count ? Cells[c].Trim() : "").ToList();
        if (values.All(v => v.Length == 0)) return null;
        // An object, so a key never equals the content key of a row that holds just those cells.
        return Hash(new JObject { ["key"] = new JArray(values) }.ToString(Formatting.None));
    }

    /// <summary>
    /// A short SHA-256 of the cells, trailing empty cells ignored (Google drops them, and a cell cleared at the end of
    /// a row must not make it a different row). JSON keeps cell boundaries unambiguous.
    /// </summary>
    public static string KeyOf(IReadOnlyList<string> cells)
    {
        var length = cells.Count;
        while (length > 0 && string.IsNullOrEmpty(cells[length - 1])) length--;
        return Hash(JsonConvert.SerializeObject(cells.Take(length)));
    }

    private static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 16);
}
