namespace RulesEngine.Core.State;

/// <summary>Where each flow's source stands (for Google Sheets: the rows already taken). The position moves only
/// when the work before it is recorded: <see cref="IItemJournal.CompleteItem"/> moves it in the same transaction.</summary>
internal interface ISourcePositions
{
    string? GetPosition(string flow, string sourceKey);

    void SetPosition(string flow, string sourceKey, string position);
}
