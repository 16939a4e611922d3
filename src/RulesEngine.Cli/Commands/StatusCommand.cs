using System.CommandLine;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Output;
using RulesEngine.Cluster;
using System.Globalization;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class StatusCommand
{
    public static VerbCommand Create() => new("status", "each flow: on/off, running, last run, next run, last error")
    {
        Details = """
            Shows each flow of the rules folder: switched on or off, running or not, its triggers, its last run, its
            next run (as the daemon computes it; on a cluster's PostgreSQL state, the trigger the cluster stored), its
            last error, and its open rows: the rows that need a person (held, errors, delivery unknown, failures the flow
            did not handle), delivery unknown first. A run whose process ended
            before it finished shows as interrupted. Reads only the flow files' names and triggers and the state file
            (it never creates one): it needs no connections or secrets, and works whether the daemon is up or not.
            """,
        Examples = ["rulesengine status --rules /etc/rulesengine/rules --state /var/lib/rulesengine/state.db"],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "shown",
            [ExitCode.Failed] = "when a flow file's name or triggers cannot be read (shown as 'problem:')",
        },
        Handler = RunAsync,
        Options = { CommonOptions.Rules, CommonOptions.State },
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var rules = parse.GetValue(CommonOptions.Rules) ?? "rules";
        if (!Directory.Exists(rules)) throw new UsageException($"rules folder '{rules}' not found (pass --rules DIR)");
        var headers = FlowCatalog.FindFiles(Path.GetFullPath(rules)).Select(FlowHeader.Read).ToList();
        if (headers.Count == 0) console.Out($"no flow files in {Path.GetFullPath(rules)}");
        var statePath = CommonOptions.StatePath(parse);
        // Opening a missing state file would create it, and a daemon started on it would then process everything.
        using var store = StateStores.Exists(statePath) ? StateStores.Open(statePath) : null;
        if (store is null) console.Out($"no {StateStores.Noun(statePath)} at {StateStores.Describe(statePath)}: nothing has run with it (check --state and $RULESENGINE_STATE)");
        // On a cluster's database the stored Quartz triggers are what fires; elsewhere the time is computed as the
        // one-machine daemon computes it.
        var stored = store is not null && StateStores.ClusterDatabase(statePath) is { } cluster
            ? await StoredNextRuns.ReadAsync(cluster, cancellationToken)
            : null;
        var now = DateTimeOffset.UtcNow;
        foreach (var flow in headers.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            var runs = store?.ListRuns(flow.Name, 20) ?? [];
            var last = runs.FirstOrDefault();
            var enabled = store?.IsEnabled(flow.Name) ?? true;
            var running = last is { Status: RunStatus.Running };
            console.Out($"{flow.Name}  ({RulesEngine.Core.Flows.DisplayPath.Of(flow.FilePath)})");
            console.Out($"  state:      {(enabled ? "on" : "off")}, {(running ? $"running (run {last!.Id} since {Time(last.StartedAt)})" : "not running")}");
            console.Out($"  triggers:   {flow.Triggers.Describe()}");
            console.Out($"  last run:   {(last is null ? "never" : Describe(last))}");
            console.Out($"  next run:   {Next(flow, enabled, last, now, stored)}");
            var failed = runs.FirstOrDefault(r => r.Error.Length > 0);
            console.Out($"  last error: {(failed is null ? "none" : $"{Time(failed.StartedAt)} run {failed.Id}: {failed.Error.ReplaceLineEndings(" ")}")}");
            PrintOpenRows(flow.Name, store?.ListOpenRows(flow.Name) ?? [], console);
            foreach (var problem in flow.Problems) console.Out($"  problem:    {problem}");
        }
        return headers.Any(h => h.Problems.Count > 0) ? ExitCode.Failed : ExitCode.Ok;
    }

    private const int OpenRowsShown = 10;

    /// <summary>The rows a person has to look at, delivery unknown first (a message that may or may not have been
    /// sent is decided by nobody else), then the rest, newest number last.</summary>
    private static void PrintOpenRows(string flow, IReadOnlyList<RowRecord> open, Console console)
    {
        if (open.Count == 0)
        {
            console.Out("  open rows:  none");
            return;
        }
        console.Out($"  open rows:  {open.Count} need a person ('history {flow} --failed'; 'replay <flow.json> --run ID --row N' acts on one)");
        var ordered = open.OrderByDescending(r => r.Attention.Reason.Contains(": delivery unknown", StringComparison.Ordinal)).ThenBy(r => r.Number);
        foreach (var row in ordered.Take(OpenRowsShown))
            console.Out(TerminalText.Escape($"    row {row.Number,-4} run {row.RunId}  {RowLabel.Of(row.Fields)}: {row.Attention.Reason}"));
        if (open.Count > OpenRowsShown) console.Out($"    ... and {open.Count - OpenRowsShown} more");
    }

    private static string Describe(RunRecord run)
    {
        var status = run.Status.ToString().ToLowerInvariant();
        var finished = run.FinishedAt is { } at && run.Status != RunStatus.Interrupted ? $", took {(at - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";
        var unfinished = run.Unfinished > 0 ? $" ({run.Unfinished} not finished)" : "";
        return $"{Time(run.StartedAt)} {status}: {run.Rows} row(s){unfinished}, {run.NeedsPerson} need a person, {run.Held} held, {run.Skipped} skipped{finished} (run {run.Id})";
    }

    /// <param name="stored">The cluster's stored clock triggers by flow (<see cref="StoredNextRuns"/>); null outside a cluster.</param>
    private static string Next(FlowHeader flow, bool enabled, RunRecord? last, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset>? stored)
    {
        if (!enabled) return "none: switched off";
        var after = string.Join(", ", flow.Triggers.After.Select(a => $"{a.Flow} ({a.On.ToString().ToLowerInvariant()})"));
        var chains = flow.Triggers.After.Count == 0 ? "" : "; also after " + after;
        if (!flow.Triggers.HasClock) return flow.Triggers.IsManualOnly ? "on demand only (rulesengine run)" : "after " + after;
        if (stored is not null && stored.TryGetValue(flow.Name, out var fires))
            return (fires <= now ? "now (due)" : Time(fires)) + " (the cluster's stored trigger)" + chains;
        var due = TriggerTimes.FirstDue(flow.Triggers, last?.StartedAt, now);
        var when = due is null ? "none (the cron schedule never fires again)" : due <= now ? "now (due)" : Time(due.Value);
        // A cluster with no waiting trigger for the flow: no node has loaded it yet, or a firing in progress stores the next one.
        var unstored = stored is null ? "" : " (computed: the cluster has no trigger stored for it yet)";
        return when + unstored + chains;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
