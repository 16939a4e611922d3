using System.Globalization;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// Which statuses count as success for an <c>http.request</c> step, written as a comma-separated list of codes
/// (<c>200</c>), classes (<c>2xx</c>) and ranges (<c>200-299</c>): <c>"2xx,404"</c> accepts a missing resource.
/// </summary>
public sealed class SuccessRule
{
    public const string Default = "2xx";

    private readonly IReadOnlyList<(int From, int To)> _ranges;

    private SuccessRule(string text, IReadOnlyList<(int From, int To)> ranges)
    {
        Text = text;
        _ranges = ranges;
    }

    public string Text { get; }

    public bool Accepts(int status) => _ranges.Any(r => status >= r.From && status <= r.To);

    public static bool TryParse(string text, out SuccessRule rule, out string error)
    {
        rule = null!;
        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!TryParsePart(part, out var range))
            {
                error = $"'{part}' is not a status code (200), a class (2xx) or a range (200-299)";
                return false;
            }
            ranges.Add(range);
        }
        rule = new SuccessRule(text, ranges);
        error = "";
        return true;
    }

    private static bool TryParsePart(string part, out (int From, int To) range)
    {
        range = default;
        if (part.Length == 3 && part[0] is >= '1' and <= '5' && part.EndsWith("xx", StringComparison.OrdinalIgnoreCase))
        {
            var hundred = (part[0] - '0') * 100;
            range = (hundred, hundred + 99);
            return true;
        }
        var bounds = part.Split('-', StringSplitOptions.TrimEntries);
        if (bounds.Length is < 1 or > 2 || !bounds.All(IsStatus)) return false;
        range = (Status(bounds[0]), Status(bounds[^1]));
        return range.From <= range.To;
    }

    private static bool IsStatus(string text) =>
        text.Length == 3 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 100 and <= 599;

    private static int Status(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
