using RulesEngine.Core.Running;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.State.Tests.Postgres;

/// <summary>A run on PostgreSQL keeps the evaluation quarantine on (a row whose condition killed the process must
/// not kill the next one), with notes per database on this machine, in a folder that names no password.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresQuarantineTests(PostgresServer server)
{
    [Fact]
    public async Task EachDatabaseHasItsOwnQuarantineFolderWithoutThePassword()
    {
        using var first = new PostgresStateStore(PostgresLocation.Parse(server.Url(await server.CreateDatabaseAsync("quarantine"))));
        using var second = new PostgresStateStore(PostgresLocation.Parse(server.Url(await server.CreateDatabaseAsync("quarantine"))));

        var firstFolder = new FlowRunner(first).QuarantineDirectory;
        var secondFolder = new FlowRunner(second).QuarantineDirectory;

        Assert.NotNull(firstFolder);
        Assert.NotNull(secondFolder);
        Assert.NotEqual(firstFolder, secondFolder);
        Assert.Equal(firstFolder, new FlowRunner(first).QuarantineDirectory);
        Assert.DoesNotContain(server.Password, firstFolder);
    }
}
