using System.Collections;

namespace RulesEngine.Core.Tests.Support;

/// <summary>A source's list that builds each item when its index is read, and counts what the engine asked of it.</summary>
internal sealed class ItemsBuiltWhenAsked(int count, Func<int, SourceItem> build) : IItemsBuiltWhenAsked, IDisposable
{
    private readonly int[] _builds = new int[count];

    /// <summary>How many times each item was built.</summary>
    public IReadOnlyList<int> Builds => _builds;

    public int KeysAsked { get; private set; }

    public bool FieldNamesAsked { get; private set; }

    public bool Disposed { get; private set; }

    public int Count => count;

    public SourceItem this[int index]
    {
        get
        {
            ObjectDisposedException.ThrowIf(Disposed, this);
            _builds[index]++;
            return build(index);
        }
    }

    public string KeyAt(int index)
    {
        KeysAsked++;
        return build(index).Key;
    }

    public IReadOnlyCollection<string> FieldNames
    {
        get
        {
            FieldNamesAsked = true;
            return Enumerable.Range(0, count).SelectMany(i => build(i).Fields.Keys).ToHashSet();
        }
    }

    public IEnumerator<SourceItem> GetEnumerator()
    {
        for (var i = 0; i < count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => Disposed = true;
}
