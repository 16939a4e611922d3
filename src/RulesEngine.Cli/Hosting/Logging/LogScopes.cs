using System.Globalization;
using Microsoft.Extensions.Logging;

namespace RulesEngine.Cli.Hosting.Logging;

/// <summary>
/// The scopes of a log line as named values. The engine opens scopes as key/value collections
/// (<c>{"flow": ...}</c>, <c>{"run": ...}</c>, <c>{"row": ...}</c>); the stock console formatter prints such a
/// scope with <c>ToString()</c>, which is the collection's type name
/// (<c>=> System.Collections.Generic.Dictionary`2[...]</c>). Read here as pairs, they become
/// <c>flow=... run=... row=...</c> on a plain line and an object on a JSON line.
/// </summary>
internal static class LogScopes
{
    /// <summary>Named scope values in the order the scopes were opened (a later scope's value for the same name
    /// wins), plus scopes that are plain text.</summary>
    public static (List<KeyValuePair<string, object?>> Values, List<string> Texts) Collect(IExternalScopeProvider? provider)
    {
        var values = new List<KeyValuePair<string, object?>>();
        var texts = new List<string>();
        provider?.ForEachScope((scope, _) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    if (pair.Key == "{OriginalFormat}") continue; // a scope opened with a message template
                    values.RemoveAll(v => v.Key == pair.Key);
                    values.Add(pair);
                }
            }
            else if (scope is not null)
            {
                texts.Add(Convert.ToString(scope, CultureInfo.InvariantCulture) ?? "");
            }
        }, (object?)null);
        return (values, texts);
    }

    /// <summary>A value as text, culture-invariant (a row number is <c>3</c> on every machine).</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
