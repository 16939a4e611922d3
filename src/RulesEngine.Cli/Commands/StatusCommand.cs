using System.Globalization;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class StatusCommand
{
    public const string Help = """
        Usage: rulesengine status [--rules DIR] [--state PATH]

        Shows each flow of the rules folder: switched on or off, running or not, its triggers, its last run, its
        next run (as the daemon computes it) and its last error. Reads only the flow files' names and triggers and
        the state file: it needs no connections or secrets, and works whether the daemon is up or not.

        Options:
          --rules DIR    the folder of flow files (default: ./rules)
          --state PATH   the state file (default: $RULESENGINE_STATE or ./state/rulesengine.db)

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
        using var store = new SqliteStateStore(args.StatePath());
        var now = DateTimeOffset.UtcNow;
        foreach (var flow in headers.OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            var runs = store.ListRuns(flow.Name, 20);
            var last = runs.FirstOrDefault();
            var enabled = store.IsEnabled(flow.Name);
            var running = last is { Status: RunStatus.Running };
            console.Out($"{flow.Name}  ({Path.GetRelativePath(Environment.CurrentDirectory, flow.FilePath)})");
            console.Out($"  state:      {(enabled ? "on" : "off")}, {(running ? $"running (run {last!.Id} since {Time(last.StartedAt)})" : "not running")}");
            console.Out($"  triggers:   {flow.Triggers.Describe()}");
            console.Out($"  last run:   {(last is null ? "never" : Describe(last))}");
            console.Out($"  next run:   {Next(flow, enabled, last, now)}");
            var failed = runs.FirstOrDefault(r => r.Error.Length > 0);
            console.Out($"  last error: {(failed is null ? "none" : $"{Time(failed.StartedAt)} run {failed.Id}: {failed.Error.ReplaceLineEndings(" ")}")}");
            foreach (var problem in flow.Problems) console.Out($"  problem:    {problem}");
        }
        return Task.FromResult(headers.Any(h => h.Problems.Count > 0) ? 1 : 0);
    }

    private static string Describe(RunRecord run)
    {
        var status = run.Status.ToString().ToLowerInvariant();
        var finished = run.FinishedAt is { } at ? $", took {(at - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "";
        return $"{Time(run.StartedAt)} {status}: {run.Rows} row(s), {run.Failed} with failed steps, {run.Held} held, {run.Skipped} skipped{finished} (run {run.Id})";
    }

    private static string Next(FlowHeader flow, bool enabled, RunRecord? last, DateTimeOffset now)
    {
        if (!enabled) return "none: switched off";
        var chains = flow.Triggers.After.Count == 0 ? "" : "; also after " + string.Join(", ", flow.Triggers.After.Select(a => $"{a.Flow} ({a.On.ToString().ToLowerInvariant()})"));
        if (!flow.Triggers.HasClock) return flow.Triggers.IsManualOnly ? "on demand only (rulesengine run)" : chains.TrimStart(';', ' ');
        var due = TriggerTimes.FirstDue(flow.Triggers, last?.StartedAt, now);
        var when = due is null ? "none (the cron schedule never fires again)" : due <= now ? "now (due)" : Time(due.Value);
        return when + chains;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
