using System.Collections;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The step ids before one place in a flow, as a view of the flow's one growing list of ids (the first
/// <see cref="Count"/> of <see cref="All"/>): O(1) per expression where a copy per expression made loading a
/// 10,000-step flow quadratic in memory (11 GB). Valid while the underlying list is only appended to, which is how
/// a loader walks a flow.
/// </summary>
internal sealed class StepPrefix(List<string> all, int count) : IReadOnlyList<string>
{
    public List<string> All { get; } = all;
    public int Count { get; } = count;

    public string this[int index] => (uint)index < (uint)Count ? All[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<string> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return All[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// The ids of a flow that are not among <see cref="Earlier"/>, computed only when someone enumerates them (an
/// error message that names a later step): no expression pays O(steps) for a list it rarely reads.
/// </summary>
internal sealed class StepsAfter(IReadOnlyList<string> all, StepPrefix earlier) : IReadOnlyList<string>
{
    private List<string>? _list;

    public IReadOnlyList<string> All { get; } = all;
    public StepPrefix Earlier { get; } = earlier;

    private List<string> List => _list ??= All.Except(Earlier).ToList();

    public int Count => List.Count;
    public string this[int index] => List[index];
    public IEnumerator<string> GetEnumerator() => List.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
