using System.Runtime.ExceptionServices;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The size limits every condition and placeholder must keep, checked on its own text before Roslyn binds it, so a
/// pathological expression (20,000 <c>!</c> in a row, an 80,000-term <c>||</c>) is an error with a place at load
/// instead of an "Insufficient stack" that names nothing. Real conditions are a few dozen tokens and a few levels
/// deep; a long list of alternatives reads better as <c>Plan.In("a", "b", ...)</c>, which nests one level.
/// </summary>
internal static class ExpressionLimits
{
    /// <summary>Tokens in one condition or placeholder. Counted with the lexer (which does not recurse) before the
    /// parser runs.</summary>
    public const int MaxTokens = 10_000;

    /// <summary>Depth of one expression's syntax tree (each operator of a chain such as <c>a || b || c</c> is a
    /// level, as are brackets, calls and member accesses). Measured without recursion.</summary>
    public const int MaxDepth = 256;

    /// <summary>The stack of the thread that compiles: Roslyn's parser, binder and emitter recurse over the syntax
    /// tree; with the limits above a tree is at most <see cref="MaxDepth"/> deep, and the parser sees at most
    /// <see cref="MaxTokens"/> tokens before the depth is measured. Reserved, not committed: it costs address space only.</summary>
    internal const int CompilerStackBytes = 256 * 1024 * 1024;

    /// <summary>Runs <paramref name="work"/> on a thread with <see cref="CompilerStackBytes"/> of stack and waits
    /// for it; exceptions come back to the caller as they were thrown.</summary>
    internal static T OnCompilerStack<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, CompilerStackBytes)
        {
            Name = "RulesEngine expression compiler",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
