using System.Globalization;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo(RulesEngine.Core.Expressions.GeneratedAssembly.Name)]
[assembly: InternalsVisibleTo("RulesEngine.Benchmarks")]

namespace RulesEngine.Core.Expressions;

/// <summary>
/// What generated expression code calls besides the user's own text: the cooperative time budget, a guarded
/// <c>Enumerable.Range</c>, and the text conversion of template placeholders. Internal, and visible only to the
/// generated assembly; user code cannot name it because the validator runs before these calls are injected and
/// this type is not on its allow-list.
/// </summary>
internal static class ExpressionRuntime
{
    [ThreadStatic] private static long t_deadline;
    [ThreadStatic] private static int t_budgetMs;

    /// <summary>Starts the budget of one evaluation on this thread; returns the previous deadline for
    /// <see cref="Disarm"/>. The clock is <see cref="Environment.TickCount64"/> (a coarse monotonic clock, a few ns
    /// to read where <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> costs about 25 ns here): budgets are whole milliseconds.</summary>
    public static long Arm(int budgetMs)
    {
        var previous = t_deadline;
        t_deadline = Environment.TickCount64 + budgetMs;
        t_budgetMs = budgetMs;
        return previous;
    }

    public static void Disarm(long previousDeadline) => t_deadline = previousDeadline;

    /// <summary>Injected around every lambda body and query clause: throws once the armed budget is spent.</summary>
    public static T Tick<T>(T value)
        where T : allows ref struct
    {
        Check();
        return value;
    }

    /// <summary>Replaces <c>Enumerable.Range</c> in user code, so even a loop without a lambda is bounded.</summary>
    public static IEnumerable<int> Range(int start, int count)
    {
        if (count < 0 || (long)start + count - 1 > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(count));
        return Guarded(start, count);

        static IEnumerable<int> Guarded(int start, int count)
        {
            for (var i = 0; i < count; i++)
            {
                Check();
                yield return start + i;
            }
        }
    }

    private static void Check()
    {
        var deadline = t_deadline;
        if (deadline != 0 && Environment.TickCount64 > deadline)
            throw new TimeoutException($"the expression exceeded its time budget of {t_budgetMs} ms");
    }

    /// <summary>Marks a part of a condition that did not run (the right side of a short-circuited <c>&amp;&amp;</c>).</summary>
    public static readonly object NotEvaluated = new();

    /// <summary>Injected around each part of a condition in its explaining twin: keeps the part's value.</summary>
    public static T Record<T>(object?[] values, int index, T value)
    {
        values[index] = value;
        return value;
    }

    /// <summary>One placeholder's text, through the caller's escape function (Telegram HTML, MarkdownV2) if any.</summary>
    public static string Part(Func<string, string>? escape, string? value) =>
        escape is null ? value ?? "" : escape(value ?? "");

    public static string Text(string? value) => value ?? "";

    public static string Text(bool value) => value ? "true" : "false";

    /// <summary>A placeholder's value as text: null is empty, numbers and dates use the invariant culture.</summary>
    public static string Text<T>(T value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
