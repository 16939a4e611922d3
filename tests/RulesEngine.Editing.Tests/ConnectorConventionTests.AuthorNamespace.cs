using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace RulesEngine.Editing.Tests;

/// <summary>
/// The boundary between Core and the connectors, checked over the built assemblies: Core's only public namespace is
/// <see cref="AuthorNamespace"/>, a connector references nothing else of Core, Core opens its internals to no
/// connector, and every public member carries XML docs (docs/connectors.md).
/// </summary>
public sealed partial class ConnectorConventionTests
{
    private const string AuthorNamespace = "RulesEngine.Sdk";
    private static readonly Assembly Core = typeof(StepSpec).Assembly;

    [Fact]
    public void ConnectorAssemblies_ReferenceOnlyTheAuthorNamespaceOfCore()
    {
        var connectors = ConnectorAssemblies();
        Assert.Equal(5, connectors.Count);
        var problems = new List<string>();
        foreach (var connector in connectors)
        {
            var used = CoreTypesReferencedBy(connector.Location);
            // A connector that uses none of Core would pass vacuously; every connector registers through Core.
            Assert.Contains($"{AuthorNamespace}.ConnectorRegistry", used);
            problems.AddRange(used.Where(type => !type.StartsWith(AuthorNamespace + ".", StringComparison.Ordinal))
                .Select(type => $"{connector.GetName().Name} uses {type}, outside {AuthorNamespace}"));
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Core_GrantsItsInternalsToNoConnector()
    {
        var friends = Core.GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();
        Assert.Contains("rulesengine", friends); // the CLI, so the list is really read
        var connectors = ConnectorAssemblies().Select(a => a.GetName().Name!).ToList();
        Assert.Empty(friends.Intersect(connectors, StringComparer.OrdinalIgnoreCase));
        Assert.DoesNotContain(friends, name => name.StartsWith("RulesEngine.Connectors.", StringComparison.Ordinal)
                                               && !name.EndsWith(".Tests", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_ExportsOnlyTheAuthorNamespace()
    {
        var outside = Core.GetExportedTypes().Where(t => t.Namespace != AuthorNamespace).Select(t => t.FullName).ToList();
        Assert.True(outside.Count == 0, "public outside " + AuthorNamespace + ": " + string.Join(", ", outside));
    }

    [Fact]
    public void AuthorNamespace_EveryPublicMemberHasXmlDocs()
    {
        var documented = DocumentedIds();
        var missing = new List<string>();
        foreach (var type in Core.GetExportedTypes())
        {
            if (!documented.Contains("T:" + DocName(type))) missing.Add(DocName(type));
            foreach (var member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (IsGeneratedOrAccessor(type, member)) continue;
                var prefix = member switch
                {
                    ConstructorInfo => $"M:{DocName(type)}.#ctor",
                    MethodInfo m => $"M:{DocName(type)}.{m.Name}",
                    PropertyInfo p => $"P:{DocName(type)}.{p.Name}",
                    FieldInfo f => $"F:{DocName(type)}.{f.Name}",
                    EventInfo e => $"E:{DocName(type)}.{e.Name}",
                    _ => null,
                };
                // Overloads are told apart by their parameter lists; the compiler (CS1591) checks each exactly.
                if (prefix is not null && !documented.Any(id => id == prefix || id.StartsWith(prefix + "(", StringComparison.Ordinal)
                                                                 || id.StartsWith(prefix + "``", StringComparison.Ordinal)))
                    missing.Add(prefix);
            }
        }
        Assert.True(missing.Count == 0, "no XML docs: " + string.Join(", ", missing));
    }

    /// <summary>Full names of the Core types a built assembly references (nested types by their outermost type).</summary>
    private static HashSet<string> CoreTypesReferencedBy(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.TypeReferences)
        {
            var reference = metadata.GetTypeReference(handle);
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                reference = metadata.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference) continue;
            var assembly = metadata.GetAssemblyReference((AssemblyReferenceHandle)reference.ResolutionScope);
            if (metadata.GetString(assembly.Name) != Core.GetName().Name) continue;
            used.Add($"{metadata.GetString(reference.Namespace)}.{metadata.GetString(reference.Name)}");
        }
        return used;
    }

    private static HashSet<string> DocumentedIds()
    {
        var file = Path.ChangeExtension(Core.Location, ".xml");
        Assert.True(File.Exists(file), $"{file} is missing: RulesEngine.Core.csproj must keep GenerateDocumentationFile");
        return XDocument.Load(file).Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace(m.Element("summary")?.Value) || m.Element("inheritdoc") is not null)
            .Select(m => (string)m.Attribute("name")!)
            .ToHashSet(StringComparer.Ordinal);
    }

    private static string DocName(Type type) => type.FullName!.Replace('+', '.');

    /// <summary>What the compiler writes for itself (records' equality, accessors, operators) or what a record's
    /// positional parameters document through the type's own summary and param tags.</summary>
    private static bool IsGeneratedOrAccessor(Type type, MemberInfo member)
    {
        if (member.IsDefined(typeof(CompilerGeneratedAttribute))) return true;
        if (member is MethodInfo { IsSpecialName: true } or FieldInfo { IsSpecialName: true }) return true; // enums' value__
        if (member is Type) return true; // nested types are checked as exported types
        if (member is MethodInfo { Name: "Equals" or "GetHashCode" or "Deconstruct" or "<Clone>$" or "PrintMembers" }) return true;
        if (member is MethodInfo { Name: "ToString" } toString && toString.IsDefined(typeof(CompilerGeneratedAttribute))) return true;
        var isRecord = type.GetMethod("<Clone>$") is not null || type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is not null;
        if (isRecord && member is PropertyInfo property
            && type.GetConstructors().Any(c => c.GetParameters().Any(p => p.Name == property.Name))) return true;
        if (isRecord && member is ConstructorInfo) return true; // the primary constructor: the type's param tags
        return false;
    }
}
