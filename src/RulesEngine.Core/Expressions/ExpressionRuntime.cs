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
    [ThreadStatic] private static long t_allocationLimit;

    /// <summary>How much one evaluation may allocate (on its thread) before it fails: bounds the memory an expression
    /// such as <c>Enumerable.Range(0, 30).Aggregate(Email, (s, i) => s + s)</c> can take, checked with the time budget.</summary>
    public const long MaxAllocatedBytes = 256L * 1024 * 1024;

    /// <summary>Starts the budget of one evaluation on this thread; returns the previous deadline for
    /// <see cref="Disarm"/>. The clock is <see cref="Environment.TickCount64"/> (a coarse monotonic clock, a few ns
    /// to read where <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> costs about 25 ns here): budgets are whole milliseconds.</summary>
    public static long Arm(int budgetMs)
    {
        var previous = t_deadline;
        t_deadline = Environment.TickCount64 + budgetMs;
        t_budgetMs = budgetMs;
        t_allocationLimit = GC.GetAllocatedBytesForCurrentThread() + MaxAllocatedBytes;
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

    /// <summary>Replaces every sequence that generated code passes into a LINQ method (see <see cref="GuardedSequence{T}"/>).</summary>
    public static IEnumerable<T> Guard<T>(IEnumerable<T> source) => source is null ? null! : new GuardedSequence<T>(source);

    /// <summary>The same for a sorted sequence (the receiver of <c>ThenBy</c>).</summary>
    public static IOrderedEnumerable<T> Guard<T>(IOrderedEnumerable<T> source) => source is null ? null! : new GuardedOrderedSequence<T>(source);

    /// <summary>The source of a query clause (<c>from x in ...</c>, <c>join y in ...</c>): checks the budgets and guards it.</summary>
    public static IEnumerable<T> Source<T>(IEnumerable<T> source)
    {
        Check();
        return Guard(source);
    }

    private static void Check()
    {
        CheckStack();
        var deadline = t_deadline;
        if (deadline == 0) return;
        if (Environment.TickCount64 > deadline)
            throw new TimeoutException($"the expression exceeded its time budget of {t_budgetMs} ms");
        if (GC.GetAllocatedBytesForCurrentThread() > t_allocationLimit)
            throw new InsufficientMemoryException($"the expression allocated more than its memory budget of {MaxAllocatedBytes / (1024 * 1024)} MB");
    }

    /// <summary>What a guarded sequence checks at every step: the budgets and the stack.</summary>
    internal static void CheckDeep() => Check();

    /// <summary>Fails the evaluation while there is still stack to unwind and report it: a stack overflow cannot be
    /// caught in .NET and would end the process.</summary>
    internal static void CheckStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new InsufficientExecutionStackException("the expression nests too deeply (for example lazy LINQ sequences wrapped inside each other thousands of times) and ran out of stack");
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
