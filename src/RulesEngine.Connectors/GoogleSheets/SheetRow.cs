using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>One row as read: its number (for people) and its cells.</summary>
internal sealed class SheetRow(int number, IReadOnlyList<string> cells)
{
    public int Number { get; } = number;
    public IReadOnlyList<string> Cells { get; } = cells;

    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);

    /// <summary>
    /// The key versions before 2 gave a row: a short SHA-256 of its cells by position, trailing empty cells ignored
    /// (JSON keeps cell boundaries unambiguous). Kept to recognise rows recorded by those versions, and as the hash
    /// of a header row (a legacy position names its header by it). Not a row's identity any more: inserting a column
    /// changes it.
    /// </summary>
    public static string LegacyKeyOf(IReadOnlyList<string> cells)
    {
        var length = cells.Count;
        while (length > 0 && string.IsNullOrEmpty(cells[length - 1])) length--;
        return Hash(JsonConvert.SerializeObject(cells.Take(length)));
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);
}
