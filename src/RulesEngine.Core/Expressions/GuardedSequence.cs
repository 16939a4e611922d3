using System.Collections;
using System.Runtime.CompilerServices;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// A sequence passed into a LINQ method by generated code (see <see cref="BudgetRewriter"/>): every
/// <c>GetEnumerator</c>, <c>MoveNext</c> and <c>Dispose</c> first checks the evaluation's budgets and the stack.
/// Deferred LINQ iterators nest (an <c>Aggregate</c> whose step wraps the previous sequence in <c>Where</c>,
/// <c>Distinct</c>, <c>Zip</c>, ...); enumerating 100,000 of them recurses 100,000 calls deep without calling any
/// user lambda, which used to overflow the stack and end the process. With a guard between every two levels, the
/// recursion meets a check every few frames and fails the row with an error instead. Wrapping also hides
/// LINQ's internal iterator types, so it cannot fuse nested calls into one unguarded delegate chain.
/// </summary>
internal sealed class GuardedSequence<T>(IEnumerable<T> source) : IEnumerable<T>
{
    public IEnumerator<T> GetEnumerator()
    {
        ExpressionRuntime.CheckDeep();
        return new Enumerator(source.GetEnumerator());
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Enumerator(IEnumerator<T> inner) : IEnumerator<T>
    {
        public T Current => inner.Current;
        object? IEnumerator.Current => Current;

        public bool MoveNext()
        {
            ExpressionRuntime.CheckDeep();
            return inner.MoveNext();
        }

        public void Reset() => inner.Reset();

        public void Dispose()
        {
            // Disposing a chain recurses as deeply as enumerating it did, and it runs from the finally blocks of the
            // LINQ iterators while the stack error unwinds, on top of the deepest frame: throwing here would overflow.
            // Below the margin the inner enumerators are left to the GC instead (LINQ over in-memory data holds
            // nothing else).
            if (RuntimeHelpers.TryEnsureSufficientExecutionStack()) inner.Dispose();
        }
    }
}

/// <summary><see cref="GuardedSequence{T}"/> for a sorted sequence, so <c>ThenBy</c> still applies.</summary>
internal sealed class GuardedOrderedSequence<T>(IOrderedEnumerable<T> source) : IOrderedEnumerable<T>
{
    private readonly GuardedSequence<T> _guarded = new(source);

    IOrderedEnumerable<T> IOrderedEnumerable<T>.CreateOrderedEnumerable<TKey>(Func<T, TKey> keySelector, IComparer<TKey>? comparer, bool descending)
    {
        ExpressionRuntime.CheckDeep();
        return new GuardedOrderedSequence<T>(source.CreateOrderedEnumerable(keySelector, comparer, descending));
    }

    public IEnumerator<T> GetEnumerator() => _guarded.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
