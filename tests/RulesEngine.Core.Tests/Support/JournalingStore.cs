using System.Reflection;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Tests.Support;

/// <summary>
/// An <see cref="IStateStore"/> in front of a real one that counts the calls made to it, and can split the grouped
/// writes (<see cref="IStateStore.RecordSteps"/>, <see cref="IStateStore.CompleteItems"/>) into their one-row
/// counterparts: the row-by-row journal the runner wrote before writes were grouped, to compare against.
/// </summary>
internal class JournalingStore : DispatchProxy
{
    private IStateStore _inner = null!;
    private bool _rowByRow;

    /// <summary>Calls by member name, in order, with the number of items a grouped write carried.</summary>
    public List<(string Member, int Items)> Calls { get; } = [];

    public static (IStateStore Store, JournalingStore Journal) Wrap(IStateStore inner, bool rowByRow = false)
    {
        var store = Create<IStateStore, JournalingStore>();
        var journal = (JournalingStore)(object)store;
        journal._inner = inner;
        journal._rowByRow = rowByRow;
        return (store, journal);
    }

    public int Count(string member) => Calls.Count(c => c.Member == member);

    /// <summary>Write calls made outside any <see cref="IStateStore.WriteTogether"/>, each a commit of its own.</summary>
    public List<string> WrittenAlone { get; } = [];

    private int _together; // depth of WriteTogether calls in progress (the runner's calls come from one thread at a time)

    private static readonly HashSet<string> Writes =
    [
        nameof(IStateStore.StartItems), nameof(IStateStore.RecordStep), nameof(IStateStore.RecordSteps), nameof(IStateStore.MarkInFlight),
        nameof(IStateStore.ClearInFlight), nameof(IStateStore.CompleteItem), nameof(IStateStore.CompleteItems), nameof(IStateStore.SetPosition),
    ];

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        var items = args.OfType<System.Collections.ICollection>().FirstOrDefault()?.Count ?? 1;
        lock (Calls)
        {
            Calls.Add((targetMethod.Name, items));
            if (_together == 0 && Writes.Contains(targetMethod.Name)) WrittenAlone.Add(targetMethod.Name);
        }
        if (targetMethod.Name == nameof(IStateStore.WriteTogether))
        {
            var writes = (Action)args[0]!;
            _inner.WriteTogether(() =>
            {
                _together++;
                try
                {
                    writes();
                }
                finally
                {
                    _together--;
                }
            });
            return null;
        }
        if (_rowByRow && targetMethod.Name == nameof(IStateStore.RecordSteps))
        {
            foreach (var answer in (IReadOnlyList<ItemAnswer>)args[3]!)
                _inner.RecordStep((string)args[0]!, (string)args[1]!, (string)args[2]!, answer.ItemKey, answer.Step);
            return null;
        }
        if (_rowByRow && targetMethod.Name == nameof(IStateStore.CompleteItems))
        {
            foreach (var c in (IReadOnlyList<ItemCompletion>)args[3]!)
                _inner.CompleteItem((string)args[0]!, (string)args[1]!, (string)args[2]!, c.Item, c.Status, c.FailedSteps, c.Error, c.Attention, c.Position);
            return null;
        }
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
