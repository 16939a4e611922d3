using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Compiling and loading the one generated file: a minimal reference set from the running framework, a
/// collectible load context that resolves everything else (ItemScope above all) from the host, and one
/// reflection call to read the delegate table.
/// </summary>
internal static class GeneratedAssembly
{
    /// <summary>The generated assembly's name; Core grants it access to <see cref="ExpressionRuntime"/>.</summary>
    public const string Name = "RulesEngine.Core.Generated";

    public const string TableType = "RulesEngine.Generated.Table";

    private static readonly Lazy<MetadataReference[]> LazyReferences = new(CreateReferences);

    /// <summary>Only what generated code legitimately needs. References are not the sandbox (CoreLib alone holds
    /// File and Environment); the validator is.</summary>
    public static IReadOnlyList<MetadataReference> References => LazyReferences.Value;

    public static CSharpCompilationOptions Options { get; } = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Release,
        allowUnsafe: false,
        deterministic: true,
        concurrentBuild: true,
        nullableContextOptions: NullableContextOptions.Disable,
        checkOverflow: false);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, DocumentationMode.None);

    /// <summary>Loads an emitted image into its own collectible context and returns its delegate table.</summary>
    public static object[] Load(byte[] image)
    {
        var context = new ExpressionLoadContext();
        var assembly = context.LoadFromStream(new MemoryStream(image));
        var table = assembly.GetType(TableType, throwOnError: true)!;
        return (object[])table.GetField("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }

    private static MetadataReference[] CreateReferences()
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq",
            "System.Text.RegularExpressions", "System.Memory",
        };
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        var references = platform
            .Where(path => wanted.Contains(Path.GetFileNameWithoutExtension(path)))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(ItemScope).Assembly.Location));
        return [.. references];
    }

    private sealed class ExpressionLoadContext() : AssemblyLoadContext("RulesEngine expressions", isCollectible: true)
    {
        // null: fall back to the default context, so ItemScope is the host's own type and the delegates bind.
        protected override Assembly? Load(AssemblyName assemblyName) => null;
    }
}
