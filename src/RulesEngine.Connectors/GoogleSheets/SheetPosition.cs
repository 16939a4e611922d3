using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// What the engine stores for a new-rows source. Every run reads the whole tab and compares each row's key with the
/// recorded ones, so the position no longer says where new rows start: it says how the keys were made, so that a
/// change of that (the flow's <c>columns</c>, an upgrade) is recognised instead of making every row look new.
/// Stored as compact JSON <c>{"version":2,"columns":[…]}</c>; <see cref="ContentColumns"/> null means all named cells.
/// Positions written before version 2 (<c>{"row":N,"hash":"…","header":"…"}</c>) are read as
/// <see cref="LegacyHeader"/>: that version's rows were known by a hash of their cells by position, valid while
/// the header row is the one hashed there.
/// </summary>
internal sealed record SheetPosition(IReadOnlyList<string>? ContentColumns, string? LegacyHeader = null)
{
    public override string ToString()
    {
        var json = new JObject { ["version"] = 2 };
        if (ContentColumns is not null) json["columns"] = new JArray(ContentColumns);
        return json.ToString(Formatting.None);
    }

    /// <summary>The stored position, or null when there is none or it is not one of ours.</summary>
    public static SheetPosition? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            if (JToken.Parse(text) is not JObject json) return null;
            if (json["version"] is { Type: JTokenType.Integer } version && version.Value<int>() == 2)
                return new SheetPosition(json["columns"] is JArray columns ? [.. columns.Select(c => c.ToString())] : null);
            return json["row"] is { Type: JTokenType.Integer } && json["header"]?.ToString() is { Length: > 0 } header
                ? new SheetPosition(null, header)
                : null;
        }
        catch (JsonReaderException)
        {
            return null;
        }
    }
}
