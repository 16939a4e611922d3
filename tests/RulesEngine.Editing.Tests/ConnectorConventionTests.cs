using System.Reflection;
using System.Text.RegularExpressions;
using RulesEngine.Cli;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

/// <summary>
/// The shape every connector keeps, checked over the registry the program uses (like Serilog's and Polly's
/// convention tests): the same file roles in every connector folder, one file per step type holding its spec, steps
/// internal, every setting described with an example, and every load error code meaning one thing and documented.
/// </summary>
public sealed partial class ConnectorConventionTests
{
    private static readonly string ConnectorsFolder = Path.Combine(Repo.Root, "src", "RulesEngine.Connectors");

    private static IEnumerable<StepSpec> StepSpecs()
    {
        var registry = Composition.Registry();
        return registry.Receivers.Concat(registry.Sources);
    }

    /// <summary>Every connector assembly the program references (one per connector folder).</summary>
    private static IReadOnlyList<Assembly> ConnectorAssemblies() =>
    [
        .. typeof(Composition).Assembly.GetReferencedAssemblies()
            .Where(a => a.Name!.StartsWith("RulesEngine.Connectors.", StringComparison.Ordinal))
            .Select(Assembly.Load),
    ];

    [Fact]
    public void EveryStepAndSource_HasASummary_AndEveryFieldADescriptionAndAnExample()
    {
        var problems = new List<string>();
        foreach (var spec in StepSpecs())
        {
            if (string.IsNullOrWhiteSpace(spec.Summary)) problems.Add($"{spec.Type} has no summary");
            if (!StepTypeName().IsMatch(spec.Type)) problems.Add($"{spec.Type} is not named connector.verbNoun");
            if (spec.Fields.Select(f => f.Name).Distinct().Count() != spec.Fields.Count) problems.Add($"{spec.Type} declares a field twice");
            foreach (var field in spec.Fields)
            {
                var where = $"{spec.Type}.{field.Name}";
                if (string.IsNullOrWhiteSpace(field.Description)) problems.Add($"{where} has no description");
                if (string.IsNullOrWhiteSpace(field.Example)) problems.Add($"{where} has no example");
                else if (field.AllowedValues is { } allowed && !allowed.Contains(field.Example)) problems.Add($"{where}: the example '{field.Example}' is not allowed");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex("^[a-z][A-Za-z]*\\.[a-z][A-Za-z]*$")]
    private static partial Regex StepTypeName();

    [Fact]
    public void EveryConnectorFolder_HasTheSameFileRoles()
    {
        var folders = Directory.EnumerateDirectories(ConnectorsFolder).Select(Path.GetFileName).OfType<string>().ToList();

        Assert.Equal(ConnectorAssemblies().Count, folders.Count);
        foreach (var name in folders)
        {
            foreach (var role in new[] { "Connector", "ConnectionSpec", "Client", "Exception" })
                Assert.True(File.Exists(Path.Combine(ConnectorsFolder, name, $"{name}{role}.cs")), $"connector folder {name} has no {name}{role}.cs");
            Assert.True(File.Exists(Path.Combine(ConnectorsFolder, name, $"RulesEngine.Connectors.{name}.csproj")), $"{name}: project named after its folder");
            Assert.False(Directory.Exists(Path.Combine(ConnectorsFolder, name, "Emulator")), $"{name}: emulators live in src/RulesEngine.Emulators");
        }
    }

    [Fact]
    public void EveryStepType_IsAnInternalClassNamedForItsRole_WithItsSpecInItsOwnFile()
    {
        var declared = ConnectorAssemblies()
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Static).Where(p => p.PropertyType == typeof(StepSpec)).Select(p => (Type: t, Spec: (StepSpec)p.GetValue(null)!))
                .Concat(t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(StepSpec)).Select(f => (Type: t, Spec: (StepSpec)f.GetValue(null)!))))
            .ToList();

        foreach (var spec in StepSpecs())
        {
            var owner = Assert.Single(declared, d => ReferenceEquals(d.Spec, spec)).Type;
            var role = typeof(IReceiver).IsAssignableFrom(owner) ? "Step" : typeof(ISource).IsAssignableFrom(owner) ? "Source" : null;
            Assert.True(role is not null && owner.Name.EndsWith(role, StringComparison.Ordinal),
                $"{spec.Type}: its spec belongs on the step (or source) class, named <Verb><Noun>Step, not on {owner.Name}");
            Assert.False(owner.IsPublic, $"{owner.Name} is public; steps are internal (the connector's Register is the way in)");
            var folder = owner.Namespace!.Split('.').Last();
            Assert.True(File.Exists(Path.Combine(ConnectorsFolder, folder, owner.Name + ".cs")), $"{owner.Name} is not in {folder}/{owner.Name}.cs");
        }
    }

    [Fact]
    public void EveryStepErrorCode_MeansOneThing_AndIsDocumented()
    {
        var errors = StepSpecs().SelectMany(s => s.Errors).Distinct().ToList();
        var documented = File.ReadAllText(Repo.ReceiversDoc);

        foreach (var group in errors.GroupBy(e => e.Code))
            Assert.True(group.Count() == 1, $"{group.Key} means several things: {string.Join(" / ", group.Select(e => e.Meaning))}");
        Assert.Empty(errors.Select(e => e.Code).Intersect(ConnectionErrors.All.Select(e => e.Code)));
        foreach (var error in errors)
            Assert.True(documented.Contains($"| `{error.Code}` | {error.Meaning} |", StringComparison.Ordinal),
                $"docs/receivers.md (step error codes) lacks the row: | `{error.Code}` | {error.Meaning} |");
    }

    [Fact]
    public void ConnectorSources_ReportOnlyDeclaredErrorCodes()
    {
        var declared = StepSpecs().SelectMany(s => s.Errors).Select(e => e.Code).ToHashSet();
        var used = Directory.EnumerateFiles(ConnectorsFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => ErrorCodeLiteral().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Code: m.Groups[1].Value)));

        foreach (var (file, code) in used)
            Assert.True(declared.Contains(code), $"{file} reports {code}, which no step spec declares in its Errors");
    }

    [GeneratedRegex("\"((?:RE|EM|HC)[0-9]{4})\"")]
    private static partial Regex ErrorCodeLiteral();
}
