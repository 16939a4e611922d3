namespace RulesEngine.Core.State;

/// <summary>
/// Copies a whole state (runs, history lines, the journal with its in-flight markers, positions, switches) from one
/// store to another in one transaction on the target: the copy is all there or not at all. A run on the target then
/// knows every row the source knew, so it processes none of them again.
/// </summary>
internal static class StateCopy
{
    /// <summary>Tables whose rows mean the state holds something (a run, a recorded row, a position, a switch).</summary>
    public static bool HoldsAnything(IReadOnlyDictionary<string, long> counts) => counts.Values.Any(count => count > 0);

    /// <returns>How many rows were copied, per table.</returns>
    public static IReadOnlyDictionary<string, long> Copy(IStateTransfer from, IStateTransfer to)
    {
        var copied = StateTable.All.ToDictionary(t => t.Name, _ => 0L);
        using var import = to.BeginImport();
        from.Export((table, rows) =>
        {
            import.Write(table, rows);
            copied[table.Name] += rows.Count;
        });
        import.Commit();
        return copied;
    }
}
