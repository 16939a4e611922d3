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
}
