using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Cycles of "after" triggers: <c>validate</c> of a folder reports each entry of the loop at its place, naming the
/// other flows and their places; the daemon refuses the version that would close a loop (the last good version
/// keeps running), and never restarts a flow within one chain even if a loop got past loading. Fake clock throughout.
/// </summary>
public sealed class ChainCycleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    /// <summary>Where RulesFolder.Write puts the first "after" entry of <c>{"after": ["x"]}</c>: line 3, this column.</summary>
    private const int AfterColumn = 26;

    [Theory]
    [InlineData("a>b,b>a")]
    [InlineData("a>b,b>c,c>a")]
    public void Validate_ReportsEachAfterOfACycle_AtItsPlace_NamingTheOtherFlowsAndTheirPlaces(string links)
    {
        using var folder = new RulesFolder();
        var pairs = links.Split(',').Select(l => (Flow: l[0].ToString(), After: l[2].ToString())).ToList();
        foreach (var (flow, after) in pairs) folder.Write(flow, $$"""{"after": ["{{after}}"]}""");
        folder.Write("bystander", """{"after": ["a"]}"""); // waits for a member of the loop, but is not in it

        var problems = ChainCycles.Find(Load(folder).Outlines);

        Assert.Equal(pairs.Count, problems.Count);
        foreach (var (flow, after) in pairs)
        {
            var problem = Assert.Single(problems, p => p.File.EndsWith($"{flow}.json", StringComparison.Ordinal));
            Assert.Equal(("RE0410", 3, AfterColumn), (problem.Code, problem.Line, problem.Column));
            foreach (var (other, _) in pairs.Where(p => p.Flow != flow))
            {
                Assert.Contains($"'{other}' runs after", problem.Message, StringComparison.Ordinal);
                Assert.Contains($"{other}.json(3,{AfterColumn})", problem.Message, StringComparison.Ordinal);
            }
            Assert.Contains($"'{flow}' runs after '{after}'", problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_FlowAfterItself_IsALoadError()
    {
        using var folder = new RulesFolder();
        folder.Write("loop", """{"interval": 60, "after": ["loop"]}""");

        var set = Load(folder);

        var problem = Assert.Single(set.Diagnostics);
        Assert.Equal(("RE0410", 3, 42), (problem.Code, problem.Line, problem.Column));
        Assert.Contains("runs after itself", problem.Message, StringComparison.Ordinal);
        Assert.Empty(set.Flows);
    }

    [Fact]
    public void Validate_ChainsWithoutALoop_AreNotCycles()
    {
        using var folder = new RulesFolder();
        folder.Write("import", """{"interval": 60}""");
        folder.Write("left", """{"after": ["import"]}""");
        folder.Write("right", """{"after": ["import"]}""");
        folder.Write("join", """{"after": ["left", "right"]}""");

        Assert.Empty(ChainCycles.Find(Load(folder).Outlines));
    }

    [Fact]
    public async Task Daemon_RefusesTheFileThatClosesACycle_AndTakesItOnceTheLoopIsGone()
    {
        using var bed = new SchedulerBed();
        var a = bed.Rules.Write("a", """{"interval": 3600, "after": ["b"]}""");
        bed.Rules.Write("b", """{"after": ["a"]}""");

        Assert.Equal(["a"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync()); // b is not loaded: nothing runs after a, nothing loops
        Assert.Empty(await bed.StepAsync(Second));
        var (file, problems) = Assert.Single(bed.Catalog.Broken);
        Assert.EndsWith("b.json", file, StringComparison.Ordinal);
        Assert.Contains(problems, p => p.Code == ChainCycles.Code && p.Message.Contains("'b' runs after 'a'", StringComparison.Ordinal));
        Assert.Equal(["a"], bed.Scheduler.Flows.Select(f => f.Name));

        File.WriteAllText(a, RulesFolder.Flow("a", """{"interval": 3600}"""));
        Assert.Equal(["a"], await bed.RescanAsync()); // its triggers changed: due at once (the fake runs record no start)
        Assert.Empty(bed.Catalog.Broken);
        Assert.Equal(["a", "b"], bed.Scheduler.Flows.Select(f => f.Name));
        Assert.Equal(["b"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync());
    }

    [Fact]
    public async Task Daemon_EditThatWouldCloseACycle_KeepsTheLastGoodVersionRunning()
    {
        using var bed = new SchedulerBed();
        bed.Rules.Write("a", """{"interval": 3600}""");
        var b = bed.Rules.Write("b", """{"after": ["a"]}""");
        Assert.Equal(["a"], await bed.StepAsync());
        Assert.Equal(["b"], await bed.StepAsync());

        File.WriteAllText(Path.Combine(bed.Rules.Path, "a.json"), RulesFolder.Flow("a", """{"interval": 3600, "after": ["b"]}"""));
        await bed.RescanAsync();

        Assert.Contains(Assert.Single(bed.Catalog.Broken).Problems, p => p.Code == ChainCycles.Code);
        Assert.Equal("every 01:00:00", bed.Scheduler.Flows.Single(f => f.Name == "a").Triggers);
        Assert.Equal(["a"], await bed.StepAsync(TimeSpan.FromHours(1)));
        Assert.Equal(["b"], await bed.StepAsync());
        Assert.Empty(await bed.StepAsync()); // the old a does not run after b
        Assert.True(File.Exists(b));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Scheduler_NeverRunsAChainInALoop_EvenWhenACycleGotPastLoading(int length)
    {
        using var bed = new SchedulerBed(refuseCycles: false);
        var names = Enumerable.Range(0, length).Select(i => ((char)('a' + i)).ToString()).ToList();
        for (var i = 0; i < length; i++)
        {
            var waitsFor = names[(i + length - 1) % length];
            bed.Rules.Write(names[i], i == 0 ? $$"""{"interval": 3600, "after": ["{{waitsFor}}"]}""" : $$"""{"after": ["{{waitsFor}}"]}""");
        }

        var started = new List<string>();
        for (var tick = 0; tick < 3 * length; tick++) started.AddRange(await bed.StepAsync());

        Assert.Equal(names, started); // each flow of the loop once, in chain order; then the chain is cut
        Assert.Empty(await bed.StepAsync(Second));
        Assert.Equal(["a"], await bed.StepAsync(TimeSpan.FromHours(1))); // the next scheduled run starts a new chain
    }

    private static FlowSet Load(RulesFolder folder) =>
        new FlowLoader(TestConnectors.Registry(), Core.Connections.ConnectionsFile.Empty(TestConnectors.Registry())).Load(FlowCatalog.FindFiles(folder.Path));
}
