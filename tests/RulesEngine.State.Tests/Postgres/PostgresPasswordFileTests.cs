using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.State.Tests.Postgres;

/// <summary>The password can stay out of --state (and so out of the unit file and `ps`): a pgpass file named by the
/// URL's passfile setting supplies it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPasswordFileTests(PostgresServer server)
{
    [Fact]
    public async Task AUrlWithoutAPasswordOpensWithThePasswordFile()
    {
        var database = await server.CreateDatabaseAsync("passfile");
        var passfile = Path.Combine(Path.GetTempPath(), "rulesengine-pgpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(passfile, $"{server.Host}:{server.Port}:{database}:{server.UserName}:{server.Password}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite); // as libpq wants it
        try
        {
            var location = PostgresLocation.Parse($"postgres://{server.UserName}@{server.Host}:{server.Port}/{database}?passfile={Uri.EscapeDataString(passfile)}");

            using var store = new PostgresStateStore(location);

            Assert.True(store.IsNew);
            Assert.DoesNotContain(server.Password, location.ConnectionString);
        }
        finally
        {
            File.Delete(passfile);
        }
    }
}
