using Cronos;

namespace RulesEngine.Core.Scheduling;

/// <summary>One cron schedule of a flow: the expression (5 fields, or 6 with seconds first) read in a time zone.
/// Cronos answers "when next" in UTC, daylight-saving changes included.</summary>
internal sealed class CronSchedule
{
    private readonly CronExpression _expression;

    /// <exception cref="CronFormatException">The expression is not valid cron.</exception>
    public CronSchedule(string expression, TimeZoneInfo timeZone)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        _expression = CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        Expression = expression;
        TimeZone = timeZone;
    }

    public string Expression { get; }
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first occurrence strictly after <paramref name="after"/>; null when there is none (Feb 30).</summary>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.UtcDateTime, TimeZone) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    public override string ToString() => TimeZone == TimeZoneInfo.Utc ? Expression : $"{Expression} ({TimeZone.Id})";
}
