using System.Globalization;
using RulesEngine.Cli;
using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>
/// Issue 14: on a cluster's PostgreSQL state, <c>status</c> says a flow's next run from the trigger the cluster stored
/// in Quartz's <c>qrtz_triggers</c>, the time that will actually fire, not one computed from the history; on a
/// PostgreSQL state with no cluster it computes it as the one-machine daemon does. A real PostgreSQL and a real node.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")] // a real PostgreSQL
public sealed class ClusterStatusTests(PostgresServer postgres)
{
    [Fact]
    public async Task Status_OnAClusterState_SaysTheStoredTrigger_AndComputesItElsewhere()
    {
        // A node on a clock a day ahead ran the flow once and stored its next firing an hour later.
        var start = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(9), TimeSpan.Zero);
        await using var bed = await ClusterBed.CreateAsync(postgres, start);
        bed.Rules.Write("sync", """{"interval": "01:00:00"}""");
        Assert.Equal(["sync"], await bed.StepAsync());
        Assert.Equal(start.AddHours(1), await bed.NextRunAsync("sync"));
        new PostgresStateStore(PostgresLocation.Parse(bed.ConnectionString)).Dispose(); // the state's own tables, as serve creates them

        var onCluster = await StatusAsync(bed.Rules.Path, bed.ConnectionString);

        // The history knows no run, so a computed next run would be "now (due)".
        Assert.Contains($"next run:   {start.AddHours(1).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} (the cluster's stored trigger)", onCluster);

        var plain = postgres.ConnectionString(await postgres.CreateDatabaseAsync("nocluster"));
        new PostgresStateStore(PostgresLocation.Parse(plain)).Dispose();
        var noCluster = await StatusAsync(bed.Rules.Path, plain);
        Assert.Contains("next run:   now (due)", noCluster);
        Assert.DoesNotContain("cluster", noCluster);
    }

    [Fact]
    public async Task Status_OnAClusterWithNoTriggerStoredForAFlow_SaysItsTimeIsComputed()
    {
        await using var bed = await ClusterBed.CreateAsync(postgres);
        new PostgresStateStore(PostgresLocation.Parse(bed.ConnectionString)).Dispose();
        await Cluster.ClusterSchema.MigrateAsync(bed.ConnectionString);
        bed.Rules.Write("fresh", """{"interval": "00:10:00"}"""); // no node has loaded it

        var status = await StatusAsync(bed.Rules.Path, bed.ConnectionString);
        Assert.True(status.Contains("next run:   now (due) (computed: the cluster has no trigger stored for it yet)", StringComparison.Ordinal), status);
    }

    private static async Task<string> StatusAsync(string rules, string state)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = await CliApp.RunAsync(["status", "--rules", rules, "--state", state], output, errors, CancellationToken.None);
        Assert.True(code == 0, $"status exited {code}: {errors}");
        return output.ToString();
    }
}
