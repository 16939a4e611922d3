using System.Reflection;
using RulesEngine.Core.State;
using RulesEngine.Sdk;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>
/// An <see cref="IStateStore"/> in front of a real one that runs an action just before it passes on the first write of
/// an item's outcome, whichever method carries it (the fenced batch write, or the unfenced ones a runner without the
/// fence would use): a test cuts a node's network there, so that this write, and not the answers before it, is the one
/// held up.
/// </summary>
internal class BeforeOutcomeStore : DispatchProxy
{
    private IStateStore _inner = null!;
    private string _itemKey = "";
    private Action? _before;

    public static IStateStore Wrap(IStateStore inner, string itemKey, Action before)
    {
        var store = Create<IStateStore, BeforeOutcomeStore>();
        var proxy = (BeforeOutcomeStore)(object)store;
        (proxy._inner, proxy._itemKey, proxy._before) = (inner, itemKey, before);
        return store;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        args ??= [];
        if (CarriesOutcomeOf(targetMethod.Name, args)) Interlocked.Exchange(ref _before, null)?.Invoke();
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private bool CarriesOutcomeOf(string method, object?[] args) => method switch
    {
        nameof(IStateStore.CompleteItemsUnderLease) or nameof(IStateStore.CompleteItems) =>
            ((IReadOnlyList<ItemCompletion>)args[3]!).Any(c => c.Item.Key == _itemKey),
        nameof(IStateStore.CompleteItem) => ((SourceItem)args[3]!).Key == _itemKey,
        _ => false,
    };
}
