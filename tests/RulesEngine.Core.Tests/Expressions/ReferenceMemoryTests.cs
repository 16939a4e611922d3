using System.Globalization;
using Microsoft.CodeAnalysis;
using RulesEngine.Core.Expressions;

namespace RulesEngine.Core.Tests.Expressions;

/// <summary>
/// The framework references the expression compiler reads are memory-mapped, not copied: a copy (18 MB, CoreLib alone
/// 15 MB) stayed resident for the life of a daemon that compiled once, its first start on a new build or an edited
/// condition (docs/performance.md, "The daemon's memory"). Alone: the anonymous memory of the whole process is measured.
/// </summary>
[Collection(ReferenceMemory.Name)]
public sealed class ReferenceMemoryTests
{
    private const int Copies = 4;

    [Fact]
    public void ReadingTheReferencesMetadata_DoesNotCopyTheirImagesIntoMemory()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc/self/status; the copy was the same everywhere
        GC.Collect();
        var before = AnonymousKb();

        var copies = Enumerable.Range(0, Copies).Select(_ => GeneratedAssembly.CreateReferences()).ToList();
        var types = copies.SelectMany(references => references)
            .Sum(reference => ((AssemblyMetadata)((PortableExecutableReference)reference).GetMetadata()).GetModules()[0].GetMetadataReader().TypeDefinitions.Count);

        var grown = AnonymousKb() - before;
        Assert.True(types > 1000, $"{types} types read"); // the metadata was read, as a compile reads it
        // Copied, each set of references costs at least CoreLib's 15 MB of anonymous memory; mapped, next to nothing.
        var coreLib = new FileInfo(typeof(object).Assembly.Location).Length / 1024;
        Assert.True(grown < Copies * coreLib / 2, $"anonymous memory grew by {grown} kB for {Copies} sets of references (CoreLib is {coreLib} kB)");
        GC.KeepAlive(copies);
    }

    private static long AnonymousKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(line => line.StartsWith("RssAnon:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}

/// <summary>Measures the process's memory: runs with no other test beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReferenceMemory
{
    public const string Name = "reference memory (measures the whole process)";
}
