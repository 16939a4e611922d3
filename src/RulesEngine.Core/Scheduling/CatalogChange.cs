using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

internal enum CatalogChangeKind { Added, Replaced, Removed, Failed }

/// <summary>What one rescan of the rules folder found for one file. <see cref="Failed"/>: the file no longer loads
/// (or a new file does not), <see cref="Old"/> is the last good version, which stays in service.</summary>
internal sealed record CatalogChange(CatalogChangeKind Kind, string FilePath, LoadedFlow? Old, LoadedFlow? New, IReadOnlyList<Diagnostic> Problems)
{
    public static CatalogChange Added(LoadedFlow flow) => new(CatalogChangeKind.Added, flow.FilePath, null, flow, []);
    public static CatalogChange Replaced(LoadedFlow old, LoadedFlow flow) => new(CatalogChangeKind.Replaced, flow.FilePath, old, flow, []);
    public static CatalogChange Removed(LoadedFlow old) => new(CatalogChangeKind.Removed, old.FilePath, old, null, []);
    public static CatalogChange Failed(string file, LoadedFlow? old, IReadOnlyList<Diagnostic> problems) => new(CatalogChangeKind.Failed, file, old, null, problems);
}
