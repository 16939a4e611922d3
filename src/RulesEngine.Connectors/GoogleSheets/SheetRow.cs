using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>One row as read, with the content key that recognises it wherever it moves in the sheet.</summary>
internal sealed class SheetRow(int number, IReadOnlyList<string> cells)
{
    public int Number { get; } = number;
    public IReadOnlyList<string> Cells { get; } = cells;
    public string Key { get; } = KeyOf(cells);
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    /// <summary>
    /// A short SHA-256 of the cells, trailing empty cells ignored (Google drops them, and a cell cleared at the end of
    /// a row must not make it a different row). JSON keeps cell boundaries unambiguous.
    /// </summary>
    public static string KeyOf(IReadOnlyList<string> cells)
    {
        var length = cells.Count;
        while (length > 0 && string.IsNullOrEmpty(cells[length - 1])) length--;
        var json = JsonConvert.SerializeObject(cells.Take(length));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)), 0, 16);
    }
}
