using RulesEngine.Cli.Output;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class HistoryCommand
{
    public const string Help = """
        Usage: rulesengine history [flow] [--run ID] [--failed] [--json] [--limit N] [--state PATH]

        Without --run: the latest runs (of one flow, or of all), newest first, with their row counts. A run whose
        process ended before it finished (kill -9, a crash) shows as "interrupted", with the rows it did.
        With --run ID: every row of that run (its number then, and its first cells, so rows can be told apart after
        rows were inserted above) and what each step did, with its error text.
        A row "needs a person" when it is held, stopped on an error, its delivery is unknown, or a step failed and the
        flow did not handle it. A failure the flow handled (an update that failed, then a create that succeeded; or
        an alert that was delivered) does not: see docs/durability.md.
        A held row is shown as "pending" with the reason: the service gave no answer (unreachable, timed out, kept
        failing after the retries), so the row was not routed anywhere; the next run retries it. A row held in an
        old run and finished later says so ("done later in run ...").
        With a flow and --failed but no --run: the rows of that flow that still need a person, the latest line of
        each: what 'replay --failed' would run again.

        Options:
          --run ID       show one run's rows
          --failed       only rows that need a person (with --run), or runs that had any (or did not complete)
          --json         machine-readable output
          --limit N      how many runs to list (default 20)
          --state PATH   the state: a SQLite file or a postgres:// URL (default: $RULESENGINE_STATE or ./state/rulesengine.db)

        Exit code 0; 1 when there is no state file, or no run with that ID.

        Examples:
          rulesengine history
          rulesengine history helpcrunch-contacts --failed
          rulesengine history --run 20261125-101500-a1b2c3 --json
        """;

    public static Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("run", "failed", "json", "limit", "state");
        var limit = args.Int("limit") ?? 20;
        if (limit < 1) throw new UsageException("--limit must be at least 1");
        var statePath = args.StatePath();
        if (!StateStores.Exists(statePath))
        {
            console.Error($"no {StateStores.Noun(statePath)} at {StateStores.Describe(statePath)}: nothing has run yet (or pass --state)");
            return Task.FromResult(1);
        }
        using var store = StateStores.Open(statePath);
        var failedOnly = args.Has("failed");
        var json = args.Has("json");
        if (args.Get("run") is { } runId)
        {
            var run = store.GetRun(runId);
            if (run is null)
            {
                console.Error($"no run '{runId}' in {store.Location}");
                return Task.FromResult(1);
            }
            var rows = store.ListRows(runId).Where(r => !failedOnly || r.Attention.NeedsPerson).ToList();
            if (json)
                console.Out(Json(new
                {
                    run,
                    rows = rows.Select(r => new
                    {
                        r.Number, r.Key, status = Shown(r, run), rowStatus = r.Status, r.LatestStatus, r.LatestRunId, r.FailedSteps, r.Error,
                        needsPerson = r.Attention.NeedsPerson, attention = r.Attention.Reason, r.Fields, r.Steps,
                    }),
                }));
            else
            {
                PrintRun(run, console);
                foreach (var row in rows) PrintRow(row, run, console);
            }
            return Task.FromResult(0);
        }
        var flow = args.Positionals.FirstOrDefault();
        if (flow is not null && failedOnly)
        {
            var open = store.ListOpenRows(flow);
            if (json)
                console.Out(Json(open.Select(r => new
                {
                    r.Number, r.Key, status = Shown(r, null), r.FailedSteps, r.Error, NeedsPerson = r.Attention.NeedsPerson,
                    Attention = r.Attention.Reason, r.Fields, run = r.RunId,
                })));
            else if (open.Count == 0) console.Out($"no open rows for flow '{flow}': nothing pending, no errors, no delivery unknown, no unhandled failures");
            else
            {
                console.Out($"open rows of {flow}: {open.Count} need a person (the latest line of each; 'replay <flow.json> --failed' runs them again," +
                    " 'replay <flow.json> --run ID --row N' one of them):");
                foreach (var row in open) PrintRow(row, null, console);
            }
            return Task.FromResult(0);
        }
        var runs = store.ListRuns(flow, limit)
            .Where(r => !failedOnly || r.NeedsPerson > 0 || r.Status is RunStatus.Failed or RunStatus.Interrupted).ToList();
        if (json) console.Out(Json(runs));
        else if (runs.Count == 0) console.Out("no runs recorded" + (flow is null ? "" : $" for flow '{flow}'"));
        else foreach (var run in runs) PrintRun(run, console);
        return Task.FromResult(0);
    }

    // One convention for every --json output (camelCase, docs/json-output.md): never serialize on your own here.
    private static string Json(object value) => Output.CliJson.Serialize(value);

    /// <summary>How a row is shown: a held row is "pending" (nothing routed, retried next run) until a later run
    /// finishes it; a row its run had started but not finished is "in progress", or "interrupted" once the run is.</summary>
    private static string Shown(RowRecord row, RunRecord? run) => row.Status switch
    {
        RowStatus.Held or RowStatus.Started when row.LatestStatus is { } now && now != row.Status && row.LatestRunId != row.RunId =>
            $"{(row.Status == RowStatus.Held ? "held" : "interrupted")}, {now.ToString().ToLowerInvariant()} later in run {row.LatestRunId}",
        RowStatus.Held => "pending",
        RowStatus.Started => run is { Status: RunStatus.Running } ? "in progress" : "interrupted",
        _ => row.Status.ToString().ToLowerInvariant(),
    };

    private static void PrintRow(RowRecord row, RunRecord? run, Console console)
    {
        var error = row.Error.Length == 0 ? "" : row.Status == RowStatus.Held ? "  reason: " + row.Error : "  " + row.Error;
        var label = row.Number == 0 && row.Fields.Count == 0 ? "(its cells were not recorded)" : RowLabel.Of(row.Fields);
        var judged = row.Attention.NeedsPerson ? "  NEEDS A PERSON: " + row.Attention.Reason
            : row.FailedSteps > 0 ? "  (failures handled by the flow)" : "";
        console.Out(TerminalText.Escape($"  row {row.Number,-4} {Shown(row, run),-8} {label}{error}{(row.Status == RowStatus.Held ? "" : judged)}"));
        foreach (var step in row.Steps)
            console.Out(TerminalText.Escape($"      {step.StepId,-16} result {step.Result}{(step.Error.Length > 0 ? "  error: " + step.Error : "")}"));
    }

    private static void PrintRun(RunRecord run, Console console) =>
        console.Out(TerminalText.Escape($"{run.Id}  {run.Flow,-24} {run.Status.ToString().ToLowerInvariant(),-11} {run.StartedAt:yyyy-MM-dd HH:mm:ss}Z  " +
            $"rows {run.Rows}, need a person {run.NeedsPerson}, pending (held) {run.Held}, skipped {run.Skipped}" +
            (run.Unfinished > 0 ? $", not finished {run.Unfinished}" : "") +
            (run.Error.Length > 0 ? $"  error: {run.Error}" : "")));
}
