using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The code compiled for one set of expressions: an assembly in its own load context, and the handles bound to it.
/// <see cref="Unload"/> (or <see cref="Dispose"/>) unbinds every handle and unloads the context, so a daemon can
/// replace a set of flows without leaking: call it once no evaluation of these handles is in flight; a handle used
/// afterwards throws <see cref="InvalidOperationException"/>. The memory is freed by a later GC, once nothing holds
/// a delegate of the set.
/// </summary>
/// <remarks><para>
/// The context is collectible unless <see cref="ExpressionCompiler.Collectible"/> was false (<see cref="IsCollectible"/>):
/// the runtime does not apply Dynamic PGO to code in collectible assemblies, so a one-shot process, which never
/// replaces its code, loads it non-collectibly to get profile-guided optimisation. On such a set
/// <see cref="Unload"/> only unbinds the handles: the assembly stays loaded until the process ends.
/// </para>
/// <para>
/// The explaining twins of the conditions (<see cref="CompiledCondition.Explain"/>) are not part of the set's
/// assembly: the first explanation asked of any condition compiles them all, in a second compilation loaded into a
/// second context (collectible when the set's is) that unloads with the set, and keeps them in the disk cache under a key of their
/// own. So validating and loading flows never pay for them, and a run pays once per set of flows (nothing on a
/// cache hit).
/// </para></remarks>
internal sealed class CompiledExpressions : IDisposable
{
    /// <summary>Appended to the set's cache key to name its twins in the disk cache.</summary>
    internal const string TwinKeySuffix = "-explain";

    private readonly List<CompiledCondition> _conditions;
    private readonly List<CompiledTemplate> _templates;
    private readonly TwinSource? _twinSource;
    private readonly Lock _twinLock = new();
    private AssemblyLoadContext? _context;
    private AssemblyLoadContext? _twinContext;
    private Twin?[]? _twins;

    internal CompiledExpressions(List<CompiledCondition> conditions, List<CompiledTemplate> templates, bool fromCache, string? cacheKey,
        TwinSource? twinSource = null, bool collectible = true)
    {
        IsCollectible = collectible;
        _conditions = conditions;
        _templates = templates;
        FromCache = fromCache;
        CacheKey = cacheKey;
        _twinSource = twinSource;
    }

    /// <summary>True when the set came from the disk cache: Roslyn was not used.</summary>
    public bool FromCache { get; }

    /// <summary>The SHA-256 key of the set in the disk cache; null when caching is off.</summary>
    public string? CacheKey { get; }

    /// <summary>True when the set's assemblies are in collectible contexts, which <see cref="Unload"/> frees; false
    /// when they stay loaded for the life of the process (see <see cref="ExpressionCompiler.Collectible"/>).</summary>
    public bool IsCollectible { get; }

    /// <summary>False once <see cref="Unload"/> was called.</summary>
    public bool IsLoaded { get; private set; } = true;

    /// <summary>Unbinds every condition and template of the set and unloads its assemblies. Idempotent. On a
    /// non-collectible set (<see cref="IsCollectible"/> false) it only unbinds: it does not throw, and the assemblies
    /// stay loaded until the process ends.</summary>
    public void Unload()
    {
        if (!IsLoaded) return;
        IsLoaded = false;
        foreach (var condition in _conditions) condition.Unbind();
        foreach (var template in _templates) template.Unbind();
        UnloadContext(_context);
        _context = null;
        lock (_twinLock)
        {
            _twins = [];
            UnloadContext(_twinContext);
            _twinContext = null;
        }
    }

    public void Dispose() => Unload();

    /// <summary>Unloads a collectible context; a non-collectible one cannot unload (it would throw) and is left.</summary>
    private static void UnloadContext(AssemblyLoadContext? context)
    {
        if (context is { IsCollectible: true }) context.Unload();
    }

    /// <summary>Weak references to the load contexts, for tests that check unloading really frees them.</summary>
    internal WeakReference? ContextReference { get; private set; }

    internal WeakReference? TwinContextReference { get; private set; }

    /// <summary>True when the twins were asked for, by any condition of the set (tests).</summary>
    internal bool TwinsLoaded => Volatile.Read(ref _twins) is not null;

    /// <summary>Loads an emitted image into a new context (collectible per <see cref="IsCollectible"/>) and returns
    /// its delegate table.</summary>
    internal object[] Load(byte[] image)
    {
        var context = new ExpressionLoadContext(IsCollectible);
        _context = context;
        ContextReference = new WeakReference(context);
        return ReadTable(context.LoadFromStream(new MemoryStream(image)), GeneratedNames.TableType);
    }

    /// <summary>The explaining twin of the condition added as expression <paramref name="entry"/>, or null when it
    /// has none (no part to record, or its twin did not compile). The first call compiles or reads the twins of
    /// the whole set; later calls are an array read.</summary>
    internal Twin? Twin(int entry)
    {
        var twins = Volatile.Read(ref _twins) ?? LoadTwins();
        return (uint)entry < (uint)twins.Length ? twins[entry] : null;
    }

    private Twin?[] LoadTwins()
    {
        lock (_twinLock)
        {
            if (_twins is { } loaded) return loaded;
            var twins = _twinSource is { } source && IsLoaded ? ReadTwins(source) : [];
            Volatile.Write(ref _twins, twins);
            return twins;
        }
    }

    private Twin?[] ReadTwins(TwinSource source)
    {
        var key = CacheKey is null ? null : CacheKey + TwinKeySuffix;
        var cache = key is null ? null : source.Cache;
        if (cache?.TryRead(key!, source.Entries.Count) is { } cached && TryLoadTwins(cached, fromCache: true) is { } fromCache)
            return fromCache;
        var plan = CompileTwins(source);
        if (cache is not null) cache.TryWrite(key!, plan);
        return TryLoadTwins(plan, fromCache: false) ?? throw new InvalidOperationException("the explaining twins could not be loaded");
    }

    // Not inlined, like ExpressionCompiler's: a cache hit must not load Roslyn.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ExpressionPlan CompileTwins(TwinSource source) =>
        ExpressionLimits.OnCompilerStack(() => new ExpressionEmitter(source.Entries, source.Budget) { WithBudget = source.WithBudget }.CompileTwins());

    /// <summary>Binds the twins of <paramref name="plan"/>; null when it does not fit (a damaged cache file).</summary>
    private Twin?[]? TryLoadTwins(ExpressionPlan plan, bool fromCache)
    {
        var twins = new Twin?[plan.Entries.Count];
        if (plan.Image is null) return twins;
        var context = new ExpressionLoadContext(IsCollectible);
        try
        {
            var table = ReadTable(context.LoadFromStream(new MemoryStream(plan.Image)), GeneratedNames.ExplainTableType);
            for (var i = 0; i < twins.Length; i++)
            {
                if (plan.Entries[i] is { Kind: PlanKind.Condition, ExplainMethod: >= 0 } planned)
                    twins[i] = new Twin((Func<ItemScope, object?[], bool>)table[planned.ExplainMethod], planned.ExplainParts);
            }
        }
        catch (Exception e) when (fromCache && e is BadImageFormatException or InvalidCastException or IndexOutOfRangeException
            or TypeLoadException or MissingFieldException)
        {
            UnloadContext(context);
            return null;
        }
        _twinContext = context;
        TwinContextReference = new WeakReference(context);
        return twins;
    }

    private static object[] ReadTable(Assembly assembly, string typeName)
    {
        var table = assembly.GetType(typeName, throwOnError: true)!;
        return (object[])table.GetField("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    /// <summary>A context of its own per set even when not collectible: every set's assembly has the same name, so
    /// they cannot share one (nor the default context).</summary>
    private sealed class ExpressionLoadContext(bool collectible) : AssemblyLoadContext("RulesEngine expressions", isCollectible: collectible)
    {
        // The engine's own assembly, so ItemScope is the host's type and the delegates bind (also when the engine
        // itself was loaded into a plugin context); null for the rest: the default context's framework.
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == typeof(ItemScope).Assembly.GetName().Name ? typeof(ItemScope).Assembly : null;
    }
}

/// <summary>What the explaining twins of a set are compiled from, when first asked for.</summary>
internal sealed record TwinSource(IReadOnlyList<ExpressionEntry> Entries, TimeSpan Budget, bool WithBudget, ExpressionCache? Cache);

/// <summary>A condition's explaining twin: it fills one value per part, in the order of <paramref name="Parts"/>.</summary>
internal sealed record Twin(Func<ItemScope, object?[], bool> Explain, IReadOnlyList<string> Parts);

/// <summary>Names shared by the generator and the loader (constants only: no Roslyn behind them).</summary>
internal static class GeneratedNames
{
    public const string TableType = "RulesEngine.Generated.Table";
    public const string ExplainTableType = "RulesEngine.Generated.ExplainTable";
}
