using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class HistoryCommand
{
    public const string Help = """
        Usage: rulesengine history [flow] [--run ID] [--failed] [--json] [--limit N] [--state PATH]

        Without --run: the latest runs (of one flow, or of all), newest first, with their row counts.
        With --run ID: every row of that run and what each step did, with its error text.
        A held row is shown as "pending" with the reason: the service gave no answer (unreachable, timed out, kept
        failing after the retries), so the row was not routed anywhere; the next run retries it. A row held in an
        old run and finished later says so ("done later in run ...").
        With a flow and --failed but no --run: the rows of that flow that are still open (pending, error, or with
        a failed step), the latest line of each: what 'replay --failed' would run again.

        Options:
          --run ID       show one run's rows
          --failed       only rows with a failed step, an error, or held (with --run), or runs that had any
          --json         machine-readable output
          --limit N      how many runs to list (default 20)
          --state PATH   the state file (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Examples:
          rulesengine history
          rulesengine history helpcrunch-contacts --failed
          rulesengine history --run 20261125-101500-a1b2c3 --json
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("run", "failed", "json", "limit", "state");
        var statePath = args.StatePath();
        if (!File.Exists(statePath))
        {
            console.Error($"no state file at {Path.GetFullPath(statePath)}: nothing has run yet (or pass --state)");
            return Task.FromResult(1);
        }
        using var store = new SqliteStateStore(statePath);
        var failedOnly = args.Has("failed");
        var json = args.Has("json");
        if (args.Get("run") is { } runId)
        {
            var run = store.GetRun(runId);
            if (run is null)
            {
                console.Error($"no run '{runId}' in {store.Path}");
                return Task.FromResult(1);
            }
            var rows = store.ListRows(runId).Where(r => !failedOnly || IsFailed(r)).ToList();
            if (json) console.Out(Json(new { run, rows = rows.Select(r => new { r.Number, r.Key, status = Shown(r), rowStatus = r.Status, r.LatestStatus, r.LatestRunId, r.FailedSteps, r.Error, r.Fields, r.Steps }) }));
            else
            {
                PrintRun(run, console);
                foreach (var row in rows) PrintRow(row, console);
            }
            return Task.FromResult(0);
        }
        var flow = args.Positionals.FirstOrDefault();
        if (flow is not null && failedOnly)
        {
            var open = store.ListOpenRows(flow);
            if (json) console.Out(Json(open.Select(r => new { r.Number, r.Key, status = Shown(r), r.FailedSteps, r.Error, r.Fields, run = r.RunId })));
            else if (open.Count == 0) console.Out($"no open rows for flow '{flow}': nothing pending, no errors, no failed steps");
            else
            {
                console.Out($"open rows of {flow} (the latest line of each; 'replay <flow.json> --failed' runs them again):");
                foreach (var row in open) PrintRow(row, console);
            }
            return Task.FromResult(0);
        }
        var runs = store.ListRuns(flow, args.Int("limit") ?? 20).Where(r => !failedOnly || r.Failed + r.Held > 0 || r.Status == RunStatus.Failed).ToList();
        if (json) console.Out(Json(runs));
        else if (runs.Count == 0) console.Out("no runs recorded" + (flow is null ? "" : $" for flow '{flow}'"));
        else foreach (var run in runs) PrintRun(run, console);
        return Task.FromResult(0);
    }

    // One convention for every --json output (camelCase, docs/json-output.md): never serialize on your own here.
    private static string Json(object value) => Output.CliJson.Serialize(value);

    private static bool IsFailed(RowRecord row) => row.FailedSteps > 0 || row.Status is RowStatus.Error or RowStatus.Held;

    /// <summary>How a row is shown: a held row is "pending" (nothing routed, retried next run) until a later run
    /// finishes it.</summary>
    private static string Shown(RowRecord row) => row.Status switch
    {
        RowStatus.Held when row.LatestStatus is { } now && now != RowStatus.Held => $"held, {now.ToString().ToLowerInvariant()} later in run {row.LatestRunId}",
        RowStatus.Held => "pending",
        _ => row.Status.ToString().ToLowerInvariant(),
    };

    private static void PrintRow(RowRecord row, Console console)
    {
        var error = row.Error.Length == 0 ? "" : row.Status == RowStatus.Held ? "  reason: " + row.Error : "  " + row.Error;
        console.Out($"  row {row.Number,-4} {Shown(row),-8}{error}");
        foreach (var step in row.Steps)
            console.Out($"      {step.StepId,-16} result {step.Result}{(step.Error.Length > 0 ? "  error: " + step.Error : "")}");
    }

    private static void PrintRun(RunRecord run, Console console) =>
        console.Out($"{run.Id}  {run.Flow,-24} {run.Status.ToString().ToLowerInvariant(),-9} {run.StartedAt:yyyy-MM-dd HH:mm:ss}Z  " +
            $"rows {run.Rows}, with failed steps {run.Failed}, pending (held) {run.Held}, skipped {run.Skipped}" +
            (run.Error.Length > 0 ? $"  error: {run.Error}" : ""));
}
