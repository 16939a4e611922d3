using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Compiling the one generated file: a minimal reference set from the running framework and the options.
/// (Loading is <see cref="CompiledExpressions"/>' job, which must not touch Roslyn.)
/// </summary>
internal static class GeneratedAssembly
{
    /// <summary>The generated assembly's name; Core grants it access to <see cref="ExpressionRuntime"/>.</summary>
    public const string Name = "RulesEngine.Core.Generated";

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

    internal static MetadataReference[] CreateReferences()
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "System.Private.CoreLib", "System.Runtime", "System.Collections", "System.Linq",
            "System.Text.RegularExpressions", "System.Memory",
        };
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        var references = platform
            .Where(path => wanted.Contains(Path.GetFileNameWithoutExtension(path)))
            .Select(Reference)
            .ToList();
        references.Add(Reference(typeof(ItemScope).Assembly.Location));
        return [.. references];
    }

    /// <summary>A reference whose metadata is read through a memory map of the file. MetadataReference.CreateFromFile
    /// copies the whole image into native memory (18 MB for these seven, CoreLib alone 15 MB), and the references live
    /// as long as the process: a daemon that compiled once (its first start on a new build, an edited condition) kept
    /// that copy resident for good. Mapped, only the metadata pages the compiler reads are resident, and they are the
    /// page cache's, shared with the runtime's own mapping of the same file (docs/performance.md, "The daemon's
    /// memory").</summary>
    private static MetadataReference Reference(string path) => AssemblyMetadata.CreateFromFile(path).GetReference(filePath: path);
}
