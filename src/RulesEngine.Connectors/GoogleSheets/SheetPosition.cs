using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// Where "new rows" start, stored by the engine as compact JSON <c>{"row":N,"hash":"…","header":"…"}</c>: every row up
/// to <see cref="Row"/> was taken or blank, row N itself is a taken row (or the header), <see cref="Hash"/> is the
/// content key row N had, and <see cref="Header"/>
/// the header row's. Both keys are checked before trusting the row number, because rows inserted or deleted above
/// shift it.
/// </summary>
internal sealed record SheetPosition(int Row, string Hash, string Header)
{
    public override string ToString() =>
        new JObject { ["row"] = Row, ["hash"] = Hash, ["header"] = Header }.ToString(Formatting.None);

    /// <summary>The stored position, or null when there is none or it is not one of ours (then everything is read).</summary>
    public static SheetPosition? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JObject.Parse(text) is { } json
                && json["row"] is { Type: JTokenType.Integer } row
                && json["hash"]?.ToString() is { Length: > 0 } hash
                && json["header"]?.ToString() is { Length: > 0 } header
                ? new SheetPosition(row.Value<int>(), hash, header)
                : null;
        }
        catch (JsonReaderException)
        {
            return null;
        }
    }
}
