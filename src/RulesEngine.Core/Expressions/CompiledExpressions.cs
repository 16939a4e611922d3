using System.Reflection;
using System.Runtime.Loader;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The code compiled for one set of expressions: a collectible assembly in its own load context, and the handles
/// bound to it. <see cref="Unload"/> (or <see cref="Dispose"/>) unbinds every handle and unloads the context, so a
/// daemon can replace a set of flows without leaking: call it once no evaluation of these handles is in flight;
/// a handle used afterwards throws <see cref="InvalidOperationException"/>. The memory is freed by a later GC,
/// once nothing holds a delegate of the set.
/// </summary>
public sealed class CompiledExpressions : IDisposable
{
    private readonly List<CompiledCondition> _conditions;
    private readonly List<CompiledTemplate> _templates;
    private AssemblyLoadContext? _context;
    private Assembly? _assembly;
    private object[]? _explainTable;

    internal CompiledExpressions(List<CompiledCondition> conditions, List<CompiledTemplate> templates, bool fromCache, string? cacheKey)
    {
        _conditions = conditions;
        _templates = templates;
        FromCache = fromCache;
        CacheKey = cacheKey;
    }

    /// <summary>True when the set came from the disk cache: Roslyn was not used.</summary>
    public bool FromCache { get; }

    /// <summary>The SHA-256 key of the set in the disk cache; null when caching is off.</summary>
    public string? CacheKey { get; }

    /// <summary>False once <see cref="Unload"/> was called.</summary>
    public bool IsLoaded { get; private set; } = true;

    /// <summary>Unbinds every condition and template of the set and unloads its assembly. Idempotent.</summary>
    public void Unload()
    {
        if (!IsLoaded) return;
        IsLoaded = false;
        foreach (var condition in _conditions) condition.Unbind();
        foreach (var template in _templates) template.Unbind();
        _explainTable = null;
        _assembly = null;
        _context?.Unload();
        _context = null;
    }

    public void Dispose() => Unload();

    /// <summary>A weak reference to the load context, for tests that check unloading really frees it.</summary>
    internal WeakReference? ContextReference { get; private set; }

    /// <summary>Loads an emitted image into a new collectible context and returns its delegate table.</summary>
    internal object[] Load(byte[] image)
    {
        var context = new ExpressionLoadContext();
        _context = context;
        ContextReference = new WeakReference(context);
        _assembly = context.LoadFromStream(new MemoryStream(image));
        return ReadTable(GeneratedNames.TableType);
    }

    /// <summary>The delegate that explains condition <paramref name="index"/>, read on first use: most processes
    /// never explain, so they never pay for creating these delegates.</summary>
    internal Delegate? Explainer(int index)
    {
        if (index < 0 || _assembly is null) return null;
        var table = _explainTable ??= _assembly.GetType(GeneratedNames.ExplainTableType) is null ? [] : ReadTable(GeneratedNames.ExplainTableType);
        return index < table.Length ? (Delegate)table[index] : null;
    }

    private object[] ReadTable(string typeName)
    {
        var table = _assembly!.GetType(typeName, throwOnError: true)!;
        return (object[])table.GetField("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    private sealed class ExpressionLoadContext() : AssemblyLoadContext("RulesEngine expressions", isCollectible: true)
    {
        // The engine's own assembly, so ItemScope is the host's type and the delegates bind (also when the engine
        // itself was loaded into a plugin context); null for the rest: the default context's framework.
        protected override Assembly? Load(AssemblyName assemblyName) =>
            assemblyName.Name == typeof(ItemScope).Assembly.GetName().Name ? typeof(ItemScope).Assembly : null;
    }
}

/// <summary>Names shared by the generator and the loader (constants only: no Roslyn behind them).</summary>
internal static class GeneratedNames
{
    public const string TableType = "RulesEngine.Generated.Table";
    public const string ExplainTableType = "RulesEngine.Generated.ExplainTable";
}
