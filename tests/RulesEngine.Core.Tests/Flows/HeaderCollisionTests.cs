using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Flows;

/// <summary>
/// A sheet whose header brings a column with the same C# name as a declared one (<c>First Name</c> declared, the
/// sheet also has <c>First_Name</c>): the flow cannot know which one <c>First_Name</c> means, so the run stops before
/// anything is sent, naming both columns and how to reach each.
/// </summary>
public sealed class HeaderCollisionTests : IDisposable
{
    private readonly SqliteStateStore _store = new(Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"), "state.db"));

    public void Dispose() => _store.Dispose();

    private const string Flow = """
        { "source": { "type": "memory.rows" },
          "steps": [ { "id": "hello", "type": "test.call", "text": "Hi {First_Name}" } ] }
        """;

    [Fact]
    public async Task Run_StopsBeforeSendingAnything_WhenTheHeaderBringsAColumnWithADeclaredColumnsCSharpName()
    {
        var registry = new TestRegistry(["Email", "First Name"]);
        var flow = registry.LoadValid(Flow);
        registry.Source.Add(("Email", "a@x.io"), ("First Name", "Ann"), ("First_Name", "Bob"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RunStatus.Failed, report.Status);
        Assert.Empty(registry.Receivers["hello"].Calls);
        Assert.Contains("'First Name' and 'First_Name'", report.Error, StringComparison.Ordinal);
        Assert.Contains("Row[\"First Name\"] and Row[\"First_Name\"]", report.Error, StringComparison.Ordinal);
        Assert.Null(_store.GetPosition(flow.Name, flow.Source.PositionKey));
    }

    [Fact]
    public async Task Test_WithSend_StopsBeforeSendingAnything_OnTheSameCollision()
    {
        var registry = new TestRegistry(["Email", "First Name"]);
        var flow = registry.LoadValid(Flow);
        registry.Source.Add(("Email", "a@x.io"), ("First Name", "Ann"), ("First-Name", "Bob"));
        var item = (await registry.Source.ReadSampleAsync(null, CancellationToken.None))!;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new FlowTester().TestAsync(flow, item, send: true, CancellationToken.None));

        Assert.Contains("Row[\"First Name\"] and Row[\"First-Name\"]", error.Message, StringComparison.Ordinal);
        Assert.Empty(registry.Receivers["hello"].Calls);
    }

    [Fact]
    public async Task Run_GoesOn_WhenOnlyTheDeclaredColumnIsThere()
    {
        var registry = new TestRegistry(["Email", "First Name"]);
        var flow = registry.LoadValid(Flow);
        registry.Source.Add(("Email", "a@x.io"), ("First Name", "Ann"), ("Last Name", "Lee"));

        var report = await new FlowRunner(_store).RunAsync(flow, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, report.Status);
        Assert.Equal("Ann", Assert.Single(registry.Receivers["hello"].Calls).Row["First Name"]);
    }
}
