using RulesEngine.Scheduling.Tests.Support;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests;

/// <summary>The trigger semantics of <see cref="SchedulerContract"/> on a cluster node: Quartz's clustered AdoJobStore
/// on a real PostgreSQL server (a database per test), on the same fake clock.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSchedulerTests(PostgresServer postgres) : SchedulerContract
{
    private protected override async Task<ISchedulerBed> NewBedAsync(DateTimeOffset? start = null) => await ClusterBed.CreateAsync(postgres, start);
}
