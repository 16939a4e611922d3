using System.Security.Cryptography;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// The flows of a rules folder, kept in step with the files: each <see cref="Rescan"/> loads files that were added
/// or whose text changed, and reports what changed. Each file is loaded (and compiled) on its own, so one broken or
/// replaced file never touches the others: a file that no longer loads keeps its last good version in service.
/// Not thread-safe: the scheduler's loop is its only caller.
/// </summary>
internal sealed class FlowCatalog(string directory, Func<string, FlowSet> loadFile)
{
    private readonly Dictionary<string, Entry> _files = new(StringComparer.Ordinal);

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>True (always, outside tests): a version that would close a cycle of "after" triggers is refused.
    /// Tests turn it off to prove that the scheduler's own guard cuts a loop that got past loading.</summary>
    internal bool RefuseCycles { get; init; } = true;

    /// <summary>The flows in service, one per file that loaded at least once.</summary>
    public IEnumerable<LoadedFlow> Flows => _files.Values.Select(e => e.Current).OfType<LoadedFlow>();

    /// <summary>Files whose current text does not load, with the problems found.</summary>
    public IEnumerable<(string File, IReadOnlyList<Diagnostic> Problems)> Broken =>
        _files.Where(f => f.Value.Problems.Count > 0).Select(f => (f.Key, f.Value.Problems));

    /// <summary>Flow files of a folder: every *.json below it except JSON schemas (<c>*.schema.json</c>).</summary>
    public static IReadOnlyList<string> FindFiles(string directory) =>
        System.IO.Directory.Exists(directory)
            ? FlowLoader.FindFlowFiles([directory]).Where(f => !f.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase)).ToList()
            : [];

    public IReadOnlyList<CatalogChange> Rescan()
    {
        var changes = new List<CatalogChange>();
        var present = FindFiles(Directory).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _files.Keys.Where(f => !present.Contains(f)).ToList())
        {
            if (_files[gone].Current is { } old) changes.Add(CatalogChange.Removed(old));
            _files.Remove(gone);
        }
        foreach (var file in present.Order(StringComparer.Ordinal))
        {
            if (Check(file) is { } change) changes.Add(change);
        }
        // A file refused because it closed a cycle may be fine now that another flow changed: check it again.
        if (changes.Any(c => c.Kind != CatalogChangeKind.Failed))
        {
            foreach (var (file, entry) in _files.Where(f => f.Value.ClosedCycle).OrderBy(f => f.Key, StringComparer.Ordinal).ToList())
            {
                entry.FailedHash = null;
                entry.Stamp = default;
                if (Check(file) is { } change) changes.Add(change);
            }
        }
        return changes;
    }

    private CatalogChange? Check(string file)
    {
        _files.TryGetValue(file, out var entry);
        FileInfo info;
        string text;
        try
        {
            info = new FileInfo(file);
            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (entry is not null && entry.Stamp == stamp) return null;
            text = File.ReadAllText(file);
            if (entry is not null) entry.Stamp = stamp;
        }
        catch (IOException)
        {
            return null; // being written or just deleted: the next event or rescan sees it settled
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(file, entry, [new Diagnostic(file, 1, 1, "RE0409", $"cannot read the flow file: {e.Message}")]);
        }

        var hash = Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        if (entry is not null && entry.Current?.Hash == hash)
        {
            entry.Problems = []; // edited back to the version in service
            entry.FailedHash = null;
            return null;
        }
        if (entry is not null && entry.FailedHash == hash) return null;
        entry ??= _files[file] = new Entry { Stamp = (info.Length, info.LastWriteTimeUtc) };

        var set = loadFile(file);
        var problems = set.Diagnostics.ToList();
        entry.ClosedCycle = false;
        if (set.Succeeded && set.Flows.Count == 1)
        {
            var flow = set.Flows[0];
            var clash = _files.Where(f => f.Key != file && f.Value.Current?.Name == flow.Name).Select(f => f.Key).FirstOrDefault();
            // A version that would close a cycle of "after" triggers with the flows in service is refused like a
            // broken file (the last good version keeps running), so the daemon never holds a loop to run.
            var cycle = clash is null && RefuseCycles
                ? ChainCycles.Find(_files.Where(f => f.Key != file).Select(f => f.Value.Current).OfType<LoadedFlow>()
                    .Select(f => FlowOutline.Of(f.Flow)).Append(FlowOutline.Of(flow)), involving: flow.Name)
                : [];
            entry.ClosedCycle = cycle.Count > 0;
            problems.AddRange(cycle);
            if (clash is null && cycle.Count == 0)
            {
                var loaded = new LoadedFlow(flow, set, hash);
                var old = entry.Current;
                entry.Current = loaded;
                entry.Problems = [];
                entry.FailedHash = null;
                return old is null ? CatalogChange.Added(loaded) : CatalogChange.Replaced(old, loaded);
            }
            if (clash is not null)
                problems.Add(new Diagnostic(file, 1, 1, "RE0006", $"another flow is also named '{flow.Name}' ({clash}); flow names must be unique"));
        }
        if (problems.Count == 0) problems.Add(new Diagnostic(file, 1, 1, "RE0409", "the file holds no flow"));
        set.Unload();
        entry.FailedHash = hash;
        return Fail(file, entry, problems);
    }

    private CatalogChange Fail(string file, Entry? entry, IReadOnlyList<Diagnostic> problems)
    {
        entry ??= _files[file] = new Entry();
        entry.Problems = problems;
        return CatalogChange.Failed(file, entry.Current, problems);
    }

    private sealed class Entry
    {
        public (long Length, DateTime Written) Stamp { get; set; }
        public LoadedFlow? Current { get; set; }
        public string? FailedHash { get; set; }
        public IReadOnlyList<Diagnostic> Problems { get; set; } = [];

        /// <summary>The current text loads but was refused because it closed a cycle of "after" triggers.</summary>
        public bool ClosedCycle { get; set; }
    }
}
