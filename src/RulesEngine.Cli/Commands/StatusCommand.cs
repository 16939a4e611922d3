using RulesEngine.Cli.Output;
using System.Globalization;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class StatusCommand
{
    public const string Help = """
        Usage: rulesengine status [--rules DIR] [--state PATH]

        Shows each flow of the rules folder: switched on or off, running or not, its triggers, its last run, its
        next run (as the daemon computes it), its last error, and its open rows: the rows that need a person (held,
        errors, delivery unknown, failures the flow did not handle), delivery unknown first. A run whose process ended
        before it finished shows as interrupted. Reads only the flow files' names and triggers and the state file
        (it never creates one): it needs no connections or secrets, and works whether the daemon is up or not.

        Options:
          --rules DIR    the folder of flow files (default: ./rules)
          --state PATH   the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Example:
          rulesengine status --rules /etc/rulesengine/rules --state /var/lib/rulesengine/state.db
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("rules", "state");
        var rules = args.Get("rules") ?? "rules";
        if (!Directory.Exists(rules)) throw new UsageException($"rules folder '{rules}' not found (pass --rules DIR)");
        var headers = FlowCatalog.FindFiles(Path.GetFullPath(rules)).Select(FlowHeader.Read).ToList();
        if (headers.Count == 0) console.Out($"no flow files in {Path.GetFullPath(rules)}");
        var statePath = args.StatePath();
        // Opening a missing state file would create it, and a daemon started on it would then process everything.
        using var store = StateStores.Exists(statePath) ? StateStores.Open(statePath) : null;
        if (store is null) console.Out($"no {StateStores.Noun(statePath)} at {StateStores.Describe(statePath)}: nothing has run with it (check --state and $RULESENGINE_STATE)");
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
            console.Out($"  next run:   {Next(flow, enabled, last, now)}");
            var failed = runs.FirstOrDefault(r => r.Error.Length > 0);
            console.Out($"  last error: {(failed is null ? "none" : $"{Time(failed.StartedAt)} run {failed.Id}: {failed.Error.ReplaceLineEndings(" ")}")}");
            PrintOpenRows(flow.Name, store?.ListOpenRows(flow.Name) ?? [], console);
            foreach (var problem in flow.Problems) console.Out($"  problem:    {problem}");
        }
        return Task.FromResult(headers.Any(h => h.Problems.Count > 0) ? 1 : 0);
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

    private static string Next(FlowHeader flow, bool enabled, RunRecord? last, DateTimeOffset now)
    {
        if (!enabled) return "none: switched off";
        var after = string.Join(", ", flow.Triggers.After.Select(a => $"{a.Flow} ({a.On.ToString().ToLowerInvariant()})"));
        var chains = flow.Triggers.After.Count == 0 ? "" : "; also after " + after;
        if (!flow.Triggers.HasClock) return flow.Triggers.IsManualOnly ? "on demand only (rulesengine run)" : "after " + after;
        var due = TriggerTimes.FirstDue(flow.Triggers, last?.StartedAt, now);
        var when = due is null ? "none (the cron schedule never fires again)" : due <= now ? "now (due)" : Time(due.Value);
        return when + chains;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
