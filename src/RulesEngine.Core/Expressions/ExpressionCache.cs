using System.Security.Cryptography;
using System.Text;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// A folder of compiled expression sets, so an unchanged set of flows starts without Roslyn (it is neither
/// loaded nor JIT-compiled on a hit). One file per set, named by a SHA-256 key over every expression's text and
/// names in order, the time budget, and everything else that changes the generated code's meaning: the generator,
/// allow-list and cache format versions, the Roslyn and runtime versions, and the engine assembly's MVID (which
/// changes with any change to the engine). The set is only written after it compiled without a single problem,
/// so a hit stands for a set that passed the allow-list, template parsing and the compiler.
/// </summary>
/// <remarks>
/// Files are written to a temporary name and renamed into place, so concurrent starts never see half a file;
/// a file that is damaged (its SHA-256 trailer does not match) is ignored and replaced. The files are code the
/// engine runs with its own rights: keep the folder private to the account that runs the engine (it is created
/// with mode 0700 on Unix).
/// </remarks>
internal sealed class ExpressionCache
{
    /// <summary>The environment variable that names the cache folder; "off" disables caching.</summary>
    public const string EnvironmentVariable = "RULESENGINE_CACHE";

    // Bump when the allow-list or the validator changes: older sets were checked against other rules.
    internal const int AllowListVersion = 3;
    private const int FormatVersion = 1;

    public ExpressionCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>The cache of this process: the folder named by <c>RULESENGINE_CACHE</c> ("off" for none), else
    /// <c>$XDG_CACHE_HOME/rulesengine</c> or <c>~/.cache/rulesengine</c> (on Windows
    /// <c>%LOCALAPPDATA%\RulesEngine\cache</c>).</summary>
    public static ExpressionCache? Default { get; } = FromEnvironment();

    internal static ExpressionCache? FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (configured is { Length: > 0 })
            return configured.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : new ExpressionCache(configured);
        string root;
        if (OperatingSystem.IsWindows())
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "RulesEngine", "cache");
        else
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(xdg) && string.IsNullOrEmpty(home)) return null;
            root = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(home, ".cache") : xdg, "rulesengine");
        }
        return new ExpressionCache(root);
    }

    /// <summary>The key of a set of expressions. Locations are left out: moving a flow inside its file changes
    /// no generated code.</summary>
    internal static string Key(IReadOnlyList<ExpressionEntry> entries, TimeSpan budget)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var header = $"rulesengine-expressions;format={FormatVersion};generator={GeneratedSource.Version};allow={AllowListVersion};" +
            $"roslyn={RoslynVersion};runtime={Environment.Version};core={typeof(ExpressionCache).Assembly.ManifestModule.ModuleVersionId};" +
            $"budget={Math.Ceiling(budget.TotalMilliseconds)}\n";
        hash.AppendData(Encoding.UTF8.GetBytes(header));
        // Each list is hashed once and named by its first appearance afterwards: every expression of a flow shares
        // the flow's lists (see ExpressionContext.AtStep), so the key costs O(steps), not O(steps) per expression.
        var seen = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        foreach (var entry in entries)
        {
            Append(hash, entry.Condition is not null ? "condition" : "template");
            Append(hash, entry.Text);
            AppendList(hash, entry.Context.Fields, seen);
            switch (entry.Context.EarlierSteps, entry.Context.LaterSteps)
            {
                case (StepPrefix earlier, StepsAfter later) when ReferenceEquals(later.Earlier, earlier):
                    // the later steps are all ids minus this prefix: the prefix and the list of all ids decide them
                    Append(hash, "prefix");
                    AppendList(hash, earlier.All, seen);
                    Append(hash, earlier.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    AppendList(hash, later.All, seen);
                    break;
                default:
                    AppendList(hash, entry.Context.EarlierSteps, seen);
                    AppendList(hash, entry.Context.LaterSteps, seen);
                    break;
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Read from the reference in our own metadata: asking a Roslyn type would load Roslyn.
    private static readonly string RoslynVersion = typeof(ExpressionCache).Assembly.GetReferencedAssemblies()
        .FirstOrDefault(a => a.Name == "Microsoft.CodeAnalysis.CSharp")?.Version?.ToString() ?? "none";

    /// <summary>The cached plan for <paramref name="key"/>, or null on a miss or a damaged file.</summary>
    internal ExpressionPlan? TryRead(string key, int entryCount)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathOf(key));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        return ExpressionPlan.Deserialize(bytes, entryCount);
    }

    /// <summary>Stores a plan. Failing to write (read-only disk, permissions) only costs the next start a compile.</summary>
    internal bool TryWrite(string key, ExpressionPlan plan)
    {
        var file = PathOf(key);
        var temporary = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
                else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            File.WriteAllBytes(temporary, plan.Serialize());
            File.Move(temporary, file, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // nothing more to do: a stray temporary file is harmless
            }
            return false;
        }
    }

    internal string PathOf(string key) => Path.Combine(Directory, key + ".rexc");

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    private static void AppendList(IncrementalHash hash, IReadOnlyList<string>? items, Dictionary<object, int> seen)
    {
        if (items is not null && seen.TryGetValue(items, out var earlier))
        {
            Append(hash, "=" + earlier.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        if (items is not null) seen[items] = seen.Count;
        Append(hash, items is null ? "-" : items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var item in items ?? []) Append(hash, item);
    }
}
