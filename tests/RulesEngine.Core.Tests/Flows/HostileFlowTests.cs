using Newtonsoft.Json.Linq;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Flows;

/// <summary>
/// A growing corpus of flow files that mislead or break the loader (Flows/Hostile/*.json), each with the exact
/// diagnostics it must produce in Flows/Hostile/expected.json: "CODE line,col". Add a file and its line there.
/// </summary>
public sealed class HostileFlowTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Flows", "Hostile");

    private static JObject Expected => JObject.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));

    public static TheoryData<string> Cases() => [.. Expected.Properties().Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void HostileFlow_IsRejected_WithExactlyTheExpectedErrorsAtTheirPlaces(string file)
    {
        var registry = ColumnsRegistry();
        var set = new RulesEngine.Core.Flows.FlowLoader(registry.Registry, RulesEngine.Core.Connections.ConnectionsFile.Empty(registry.Registry))
            .Load([Path.Combine(Folder, file)]);
        // what every verb adds for the files it loads: cycles of "after" triggers
        var diagnostics = set.Diagnostics.Concat(ChainCycles.Find(set.Outlines)).Distinct().ToList();

        var actual = diagnostics.Select(d => $"{d.Code} {d.Line},{d.Column}").Order(StringComparer.Ordinal).ToList();
        var expected = Expected[file]!.Values<string>().Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual), $"expected {string.Join("; ", expected)}\nactual:\n{string.Join("\n", diagnostics)}");
        Assert.All(diagnostics, d => Assert.EndsWith(file, d.File, StringComparison.Ordinal));
        Assert.Empty(set.Flows);
    }

    [Fact]
    public void Corpus_EveryFixtureHasItsExpectation()
    {
        var files = Directory.EnumerateFiles(Folder, "*.json").Select(Path.GetFileName).Where(f => f != "expected.json").Order(StringComparer.Ordinal);
        Assert.Equal(files, Expected.Properties().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The test registry plus a source whose columns are declared in the flow, like a sheet's.</summary>
    internal static TestRegistry ColumnsRegistry()
    {
        var registry = new TestRegistry();
        registry.Registry.AddSource(
            new StepSpec("memory.columns", "rows from memory, columns declared in the flow", [new FieldSpec("columns", FieldKind.TextList, "the columns")]),
            config => new ListSource(config.FieldNames("columns")));
        return registry;
    }
}
