using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Scheduling.Tests.Support;

namespace RulesEngine.Scheduling.Tests;

/// <summary>"triggers" as users write them: what loads, and where each mistake is reported.</summary>
public sealed class TriggerParserTests
{
    private static FlowSet Load(string triggers, RulesFolder folder, string name = "flow") =>
        TestConnectors.Loader()(folder.Write(name, triggers));

    [Fact]
    public void Load_ReadsEveryKindOfTrigger_AndTheyCombine()
    {
        using var folder = new RulesFolder();
        var set = Load("""
            {"interval": "00:00:30", "cron": ["0 9 * * 1-5", {"expression": "*/10 * * * * *", "timeZone": "Europe/Kyiv"}],
             "after": ["import", {"flow": "export", "on": "always"}], "missedRuns": "skip", "manual": true}
            """, folder);

        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        var triggers = set.Flows.Single().Triggers;
        Assert.Equal(TimeSpan.FromSeconds(30), triggers.Interval);
        Assert.Equal(["0 9 * * 1-5", "*/10 * * * * *"], triggers.Cron.Select(c => c.Expression));
        Assert.Equal("Europe/Kyiv", triggers.Cron[1].TimeZone.Id);
        Assert.Equal([("import", ChainOn.Success), ("export", ChainOn.Always)], triggers.After.Select(a => (a.Flow, a.On)));
        Assert.Equal(MissedRuns.Skip, triggers.MissedRuns);
    }

    [Theory]
    [InlineData("""{"interval": 90}""", 90)]
    [InlineData("""{"interval": 1.5}""", 1.5)]
    [InlineData("""{"interval": "01:00:00"}""", 3600)]
    [InlineData("""{"interval": "1.00:00:00"}""", 86400)]
    public void Interval_IsSecondsOrADuration(string triggers, double seconds)
    {
        using var folder = new RulesFolder();
        var set = Load(triggers, folder);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        Assert.Equal(TimeSpan.FromSeconds(seconds), set.Flows.Single().Triggers.Interval);
    }

    [Fact]
    public void NoTriggers_MeansManualOnly_WithTheDefaultPolicy()
    {
        using var folder = new RulesFolder();
        var triggers = Load("null", folder).Flows.Single().Triggers;
        Assert.True(triggers.IsManualOnly);
        Assert.Equal(MissedRuns.RunOnce, triggers.MissedRuns);
        Assert.Equal("manual only", triggers.Describe());
    }

    // Each mistake: its code, where it is (line 3 is the "triggers" line of RulesFolder.Flow; the column is where
    // the value starts; for an unknown field, where its value starts), and a piece of the message.
    [Theory]
    [InlineData("""{"interval": "often"}""", "RE0402", 28, "hh:mm:ss")]
    [InlineData("""{"interval": 0.2}""", "RE0402", 28, "at least 1 second")]
    [InlineData("""{"cron": ["61 * * * *"]}""", "RE0403", 25, "Minutes")]
    [InlineData("""{"cron": ["0 9 * *"]}""", "RE0403", 25, "invalid cron expression")]
    [InlineData("""{"cron": [{"expression": "0 9 * * *", "timeZone": "Mars/Olympus"}]}""", "RE0404", 65, "unknown time zone \"Mars/Olympus\"")]
    [InlineData("""{"timeZone": "Kyiv", "cron": ["0 9 * * *"]}""", "RE0404", 28, "IANA")]
    [InlineData("""{"after": [{"flow": "import", "on": "sometimes"}]}""", "RE0405", 51, "\"success\"")]
    [InlineData("""{"after": [{"on": "success"}]}""", "RE0405", 26, "flow name")]
    [InlineData("""{"missedRuns": "later"}""", "RE0406", 30, "runOnce")]
    [InlineData("""{"intervall": 5}""", "RE0005", 29, "did you mean")]
    [InlineData("\"every minute\"", "RE0401", 15, "must be an object")]
    public void Mistakes_AreReportedWhereTheyAre(string triggers, string code, int column, string message)
    {
        using var folder = new RulesFolder();
        var set = Load(triggers, folder);

        var problem = Assert.Single(set.Diagnostics);
        Assert.Equal((code, 3, column), (problem.Code, problem.Line, problem.Column));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Empty(set.Flows);
    }

    [Fact]
    public void CheckChains_ReportsAnAfterNamingAnUnknownFlow_AtTheEntry()
    {
        using var folder = new RulesFolder();
        var import = Load("""{"interval": 60}""", folder, "import").Flows.Single();
        var export = Load("""{"after": ["imprt"]}""", folder, "export").Flows.Single();

        var problem = Assert.Single(FlowTriggers.CheckChains([import, export]));
        Assert.Equal(("RE0408", 3, 26), (problem.Code, problem.Line, problem.Column));
        Assert.Contains("did you mean 'import'", problem.Message, StringComparison.Ordinal);
        Assert.Empty(FlowTriggers.CheckChains([import]));
    }

    [Fact]
    public void CheckChains_NeverSuggestsTheFlowItself_ForAnUnknownAfter()
    {
        using var folder = new RulesFolder();
        var a = Load("""{"after": ["b"]}""", folder, "a").Flows.Single();

        var problem = Assert.Single(FlowTriggers.CheckChains([a]));
        Assert.Equal("RE0408", problem.Code);
        Assert.DoesNotContain("did you mean 'a'", problem.Message, StringComparison.Ordinal);
    }
}
