using System.Globalization;
using Cronos;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Reads a flow's <c>"triggers"</c> object and reports every problem at its place in the file:
/// <code>
/// "triggers": {
///   "interval": "00:00:30",                       // or a number of seconds: 30, 0.5
///   "cron": ["0 9 * * 1-5", {"expression": "0 18 * * *", "timeZone": "Europe/Kyiv"}],
///   "timeZone": "UTC",                            // for cron entries that name none (default UTC)
///   "after": ["import", {"flow": "import", "on": "success" | "failure" | "always"}],
///   "missedRuns": "runOnce" | "skip",             // default runOnce
///   "manual": true                                // says "on demand only" out loud; run works for every flow
/// }
/// </code>
/// </summary>
internal static class TriggerParser
{
    private const string FieldInterval = "interval";
    private const string FieldCron = "cron";
    private const string FieldTimeZone = "timeZone";
    private const string FieldAfter = "after";
    private const string FieldMissedRuns = "missedRuns";
    private const string FieldManual = "manual";
    private const string FieldExpression = "expression";
    private const string FieldFlow = "flow";
    private const string FieldOn = "on";

    private static readonly string[] Fields = ["$comment", FieldInterval, FieldCron, FieldTimeZone, FieldAfter, FieldMissedRuns, FieldManual];
    private static readonly string[] CronFields = ["$comment", FieldExpression, FieldTimeZone];
    private static readonly string[] AfterFields = ["$comment", FieldFlow, FieldOn];

    /// <summary>The smallest interval: a run per second is already a busy flow; below that is a typo.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    public static FlowTriggers Parse(JToken? token, FlowText text, List<Diagnostic> diagnostics)
    {
        if (token is null || token.Type == JTokenType.Null) return FlowTriggers.None;
        if (token is not JObject json)
        {
            diagnostics.Add(text.Locate(token).Error("RE0401", "\"triggers\" must be an object, e.g. {\"interval\": \"00:05:00\"} or {\"cron\": [\"0 9 * * 1-5\"]}"));
            return FlowTriggers.None;
        }
        Unknown(json, Fields, text, diagnostics, "\"triggers\"");

        var zone = json[FieldTimeZone] is { } zoneToken ? Zone(zoneToken, text, diagnostics) : TimeZoneInfo.Utc;
        var interval = json[FieldInterval] is { } i ? Interval(i, text, diagnostics) : null;
        var cron = json[FieldCron] is { } c ? List(c, text, diagnostics, FieldCron, t => Cron(t, zone, text, diagnostics)) : [];
        var after = json[FieldAfter] is { } a ? List(a, text, diagnostics, FieldAfter, t => After(t, text, diagnostics)) : [];
        var missed = MissedRuns.RunOnce;
        if (json[FieldMissedRuns] is { } m)
        {
            if (m.Type == JTokenType.String && m.ToString() == "skip") missed = MissedRuns.Skip;
            else if (m.Type != JTokenType.String || m.ToString() != "runOnce")
                diagnostics.Add(text.Locate(m).Error("RE0406", "\"missedRuns\" must be \"runOnce\" (runs missed while the daemon was down run once at start, the default) or \"skip\" (wait for the next scheduled time)"));
        }
        if (json[FieldManual] is { } manual && manual.Type != JTokenType.Boolean)
            diagnostics.Add(text.Locate(manual).Error("RE0401", "\"manual\" must be true or false"));
        return new FlowTriggers(interval, cron, after, missed);
    }

    private static TimeSpan? Interval(JToken token, FlowText text, List<Diagnostic> diagnostics)
    {
        TimeSpan? value = token.Type switch
        {
            JTokenType.Integer or JTokenType.Float => TimeSpan.FromSeconds(token.Value<double>()),
            JTokenType.String when TimeSpan.TryParseExact(token.ToString(), "c", CultureInfo.InvariantCulture, out var span) => span,
            _ => null,
        };
        if (value is null)
            diagnostics.Add(text.Locate(token).Error("RE0402", $"\"interval\" must be a duration \"hh:mm:ss\" (\"00:00:30\", \"1.00:00:00\" for a day) or a number of seconds, not {token.ToString(Newtonsoft.Json.Formatting.None)}"));
        else if (value < MinimumInterval)
            diagnostics.Add(text.Locate(token).Error("RE0402", $"\"interval\" must be at least {MinimumInterval.TotalSeconds:0} second"));
        else return value;
        return null;
    }

    private static CronSchedule? Cron(JToken token, TimeZoneInfo? defaultZone, FlowText text, List<Diagnostic> diagnostics)
    {
        JToken? expression = token;
        var zone = defaultZone;
        if (token is JObject entry)
        {
            Unknown(entry, CronFields, text, diagnostics, "a cron entry");
            expression = entry[FieldExpression];
            if (entry[FieldTimeZone] is { } zoneToken) zone = Zone(zoneToken, text, diagnostics);
        }
        if (expression is not { Type: JTokenType.String })
        {
            diagnostics.Add(text.Locate(expression ?? token).Error("RE0403", "a cron entry is a cron expression (\"0 9 * * 1-5\": minute hour day month weekday; 6 fields when the first is seconds) or {\"expression\": ..., \"timeZone\": \"Europe/Kyiv\"}"));
            return null;
        }
        try
        {
            var schedule = new CronSchedule(expression.ToString(), zone ?? TimeZoneInfo.Utc);
            return zone is null ? null : schedule; // an unknown zone was reported; the expression is still checked
        }
        catch (CronFormatException e)
        {
            diagnostics.Add(text.Locate(expression).Error("RE0403", $"invalid cron expression \"{expression}\": {e.Message}"));
            return null;
        }
    }

    private static AfterTrigger? After(JToken token, FlowText text, List<Diagnostic> diagnostics)
    {
        var flow = token;
        var on = ChainOn.Success;
        if (token is JObject entry)
        {
            Unknown(entry, AfterFields, text, diagnostics, "an \"after\" entry");
            flow = entry[FieldFlow];
            if (entry[FieldOn] is { } onToken)
            {
                switch (onToken.ToString())
                {
                    case "success": on = ChainOn.Success; break;
                    case "failure": on = ChainOn.Failure; break;
                    case "always": on = ChainOn.Always; break;
                    default:
                        diagnostics.Add(text.Locate(onToken).Error("RE0405", "\"on\" must be \"success\" (the other flow's run completed), \"failure\" (it failed) or \"always\""));
                        return null;
                }
            }
        }
        if (flow is not { Type: JTokenType.String } || flow.ToString().Length == 0)
        {
            diagnostics.Add(text.Locate(flow ?? token).Error("RE0405", "an \"after\" entry is a flow name (\"import\") or {\"flow\": \"import\", \"on\": \"success\"}"));
            return null;
        }
        return new AfterTrigger(flow.ToString(), on, text.Locate(flow));
    }

    private static TimeZoneInfo? Zone(JToken token, FlowText text, List<Diagnostic> diagnostics)
    {
        if (token.Type == JTokenType.String && TimeZoneInfo.TryFindSystemTimeZoneById(token.ToString(), out var zone)) return zone;
        diagnostics.Add(text.Locate(token).Error("RE0404", $"unknown time zone {token.ToString(Newtonsoft.Json.Formatting.None)}; use an IANA name such as \"Europe/Kyiv\", \"America/New_York\" or \"UTC\""));
        return null;
    }

    /// <summary>A list of entries (or one entry written without brackets), each parsed by <paramref name="parse"/>.</summary>
    private static List<T> List<T>(JToken token, FlowText text, List<Diagnostic> diagnostics, string field, Func<JToken, T?> parse) where T : class
    {
        var items = token is JArray array ? array.ToList() : [token];
        if (token is JArray { Count: 0 })
            diagnostics.Add(text.Locate(token).Error("RE0401", $"\"{field}\" is empty; remove it or add an entry"));
        return items.Select(parse).OfType<T>().ToList();
    }

    private static void Unknown(JObject json, string[] known, FlowText text, List<Diagnostic> diagnostics, string what)
    {
        foreach (var property in json.Properties().Where(p => !known.Contains(p.Name)))
            diagnostics.Add(text.Locate(property).Error("RE0005",
                $"unknown field \"{property.Name}\" in {what}{NameSuggestion.Hint(property.Name, known)}; known fields: {string.Join(", ", known.Where(k => !k.StartsWith('$')))}"));
    }
}
