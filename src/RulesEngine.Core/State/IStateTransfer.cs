namespace RulesEngine.Core.State;

/// <summary>
/// Whole-state export and import in the neutral shape of <see cref="StateTable"/>, so <c>state copy</c> can move a
/// state between any two stores. Values are <see cref="string"/>, <see cref="long"/>, <see cref="DateTimeOffset"/>,
/// <see cref="bool"/> or null, by <see cref="StateColumn.Kind"/>.
/// </summary>
internal interface IStateTransfer
{
    /// <summary>How many rows each table holds (every table of <see cref="StateTable.All"/>).</summary>
    IReadOnlyDictionary<string, long> CountRows();

    /// <summary>Reads every table from one consistent snapshot, in batches, in <see cref="StateTable.Order"/>.</summary>
    void Export(Action<StateTable, IReadOnlyList<object?[]>> batch);

    /// <summary>Starts one transaction that writes rows (an upsert by key); nothing is visible until it commits.</summary>
    IStateImport BeginImport();
}

/// <summary>An import in progress: disposing it without <see cref="Commit"/> writes nothing.</summary>
internal interface IStateImport : IDisposable
{
    void Write(StateTable table, IReadOnlyList<object?[]> rows);

    void Commit();
}
