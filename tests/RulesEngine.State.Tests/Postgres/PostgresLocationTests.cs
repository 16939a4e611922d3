using RulesEngine.Core.Connections;
using RulesEngine.Core.State;
using RulesEngine.State.Postgres;

namespace RulesEngine.State.Tests.Postgres;

/// <summary>Which --state values mean PostgreSQL, how they are read, and that a password never shows.</summary>
public sealed class PostgresLocationTests
{
    [Theory]
    [InlineData("postgres://re:pw@db.example:5433/rules", true)]
    [InlineData("postgresql://re@db.example/rules", true)]
    [InlineData("Host=db.example;Database=rules;Username=re", true)]
    [InlineData("server=db.example; database=rules", true)]
    [InlineData("state/rulesengine.db", false)]
    [InlineData("/var/lib/rulesengine/state.db", false)]
    [InlineData("state/a=b.db", false)]
    [InlineData(@"C:\state\rulesengine.db", false)]
    public void OnlyAUrlOrAnNpgsqlStringWithAHostIsPostgres(string state, bool postgres) =>
        Assert.Equal(postgres, PostgresLocation.IsPostgres(state));

    [Fact]
    public void AUrlIsReadWithItsPortDatabaseAndSettingsAndDisplayedWithoutThePassword()
    {
        var location = PostgresLocation.Parse("postgres://rules%20user:s3cr%40t-pass@db.example:5433/rules_db?sslmode=disable&Timeout=7");

        Assert.Equal("db.example", location.Host);
        Assert.Equal(5433, location.Port);
        Assert.Equal("rules_db", location.Database);
        Assert.Equal("postgres://rules%20user@db.example:5433/rules_db", location.Display);
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(location.ConnectionString);
        Assert.Equal("s3cr@t-pass", settings.Password);
        Assert.Equal("rules user", settings.Username);
        Assert.Equal(7, settings.Timeout);
        Assert.Equal(Npgsql.SslMode.Disable, settings.SslMode);
        Assert.DoesNotContain("s3cr", location.ToString());
        Assert.Equal("***", SecretRedactor.Redact("s3cr@t-pass")); // registered: any message that quotes it is masked
    }

    [Fact]
    public void AnNpgsqlStringIsReadAndTheDefaultPortApplies()
    {
        var location = PostgresLocation.Parse("Host=db.example;Database=rules;Username=re;Password=another-secret-9");

        Assert.Equal("postgres://re@db.example:5432/rules", location.Display);
        Assert.DoesNotContain("another-secret-9", location.Display);
    }

    [Theory]
    [InlineData("postgres://re:hidden-pass-1@db.example:5432/", "names no database")]
    [InlineData("postgres://re:hidden-pass-1@db.example:5432/rules?NoSuchSetting=1", "'NoSuchSetting'")]
    [InlineData("Host=db.example;Password=hidden-pass-1;Bogus Key=1", "not valid")]
    public void AnUnusableValueIsRefusedWithTheFixAndWithoutThePassword(string state, string why)
    {
        var refused = Assert.Throws<ArgumentException>(() => PostgresLocation.Parse(state));

        Assert.Contains(why, refused.Message);
        Assert.Matches("write |remove it", refused.Message);
        Assert.DoesNotContain("hidden-pass-1", refused.Message);
    }

    [Fact]
    public void AnUnreachableServerIsNamedByHostAndPortWithoutThePassword()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var location = PostgresLocation.Parse("postgres://re:unreachable-pass-7@127.0.0.1:1/rules?Timeout=5");

        var refused = Assert.Throws<StateUnavailableException>(() => new PostgresStateStore(location));

        Assert.Contains("postgres://re@127.0.0.1:1/rules", refused.Message);
        Assert.Contains("check that PostgreSQL runs on 127.0.0.1:1", refused.Message);
        Assert.DoesNotContain("unreachable-pass-7", refused.ToString());
    }
}
