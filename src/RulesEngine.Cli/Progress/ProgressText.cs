using System.Globalization;

namespace RulesEngine.Cli.Progress;

/// <summary>How far a run has got, as one line: <c>120 of 10000 rows (1.2%), 2.0 rows/s, about 1 h 22 min left;
/// 5 need a person, 3 held</c>.</summary>
internal readonly record struct ProgressSnapshot(int Total, int Done, int Failed, int Held, TimeSpan Elapsed)
{
    public string Describe()
    {
        var percent = Total == 0 ? 100 : 100.0 * Done / Total;
        var rate = Elapsed.TotalSeconds > 0 ? Done / Elapsed.TotalSeconds : 0;
        var left = Done >= Total ? "finishing"
            : rate > 0 ? "about " + Duration(TimeSpan.FromSeconds((Total - Done) / rate)) + " left"
            : "time left not known yet";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Done} of {Total} rows ({percent:0.0}%), {rate:0.0} rows/s, {left}; {Failed} need a person, {Held} held");
    }

    /// <summary>A span people read at a glance: <c>45 s</c>, <c>12 min 5 s</c>, <c>3 h 20 min</c>, <c>2 d 4 h</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span.TotalSeconds < 60) return $"{Math.Max(0, (int)Math.Round(span.TotalSeconds))} s";
        if (span.TotalMinutes < 60) return $"{(int)span.TotalMinutes} min {span.Seconds} s";
        if (span.TotalHours < 48) return $"{(int)span.TotalHours} h {span.Minutes} min";
        return $"{(int)span.TotalDays} d {span.Hours} h";
    }
}
