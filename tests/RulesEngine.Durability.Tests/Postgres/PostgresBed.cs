using RulesEngine.Cli;
using RulesEngine.Core.State;
using RulesEngine.Durability.Tests.Support;

namespace RulesEngine.Durability.Tests.Postgres;

/// <summary>What the PostgreSQL durability tests read back: every item's latest line in a state, as
/// <see cref="TestBed.LatestRows"/> does for the bed's SQLite file.</summary>
internal static class PostgresBed
{
    public static Dictionary<string, RowRecord> LatestRows(string state)
    {
        using var store = StateStores.Open(state);
        var latest = new Dictionary<string, RowRecord>();
        foreach (var run in store.ListRuns("contacts", 100_000).OrderBy(r => r.StartedAt).ThenBy(r => r.Id))
            foreach (var row in store.ListRows(run.Id))
                latest[row.Key] = row;
        return latest;
    }

    public static Task<(int Exit, string Output)> RunAsync(TestBed bed, string state) =>
        bed.CliAsync("run", bed.FlowPath, "--connections", bed.ConnectionsPath, "--state", state);
}
