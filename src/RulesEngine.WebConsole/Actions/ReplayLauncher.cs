using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.WebConsole.Actions;

/// <summary>
/// Replays rows the way <c>rulesengine replay</c> does: it loads the flow's file, takes the flow's lease (a run in
/// flight, here or in another process, makes it refuse rather than overlap), and runs the rows through the journal
/// (recorded answers are reused, nothing recorded is sent again). Replays run in the background so a long one does
/// not hang the page; the outcome of the last one per flow is kept for its page and logged.
/// </summary>
internal sealed class ReplayLauncher(ConsoleDependencies dependencies, ILogger logger)
{
    private readonly ConcurrentDictionary<string, string> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _abort = new();

    public string? LastOutcome(string flow) => _outcomes.GetValueOrDefault(flow);

    /// <summary>Starts replaying <paramref name="rows"/> of <paramref name="flowName"/>; false (with why) when it cannot start.</summary>
    /// <param name="force">Call every step again, recorded or not, as <c>replay --force</c> does.</param>
    public bool TryStart(string flowName, IReadOnlyList<RowRecord> rows, out string problem, bool force = false)
    {
        problem = "";
        var file = dependencies.Scheduler.PublishedFlows.FirstOrDefault(f => f.Name == flowName)?.FilePath;
        if (file is null)
        {
            problem = $"flow '{flowName}' is not in service (its file is gone or renamed), so there is nothing to replay it with";
            return false;
        }
        var replay = Task.Run(() => ReplayAsync(flowName, file, rows, force));
        _inFlight.TryAdd(replay, 0);
        _ = replay.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
        return true;
    }

    private async Task ReplayAsync(string flowName, string file, IReadOnlyList<RowRecord> rows, bool force)
    {
        var at = dependencies.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        FlowSet? set = null;
        try
        {
            set = dependencies.LoadFlowFile(file);
            var flow = set.Flows.FirstOrDefault(f => f.Name == flowName);
            if (!set.Succeeded || flow is null)
            {
                Note(flowName, $"{at}: not replayed: {file} does not load now ({set.Diagnostics.FirstOrDefault(d => d.IsError)?.ToString() ?? "no flow of this name"})");
                return;
            }
            // As 'replay' does: lines without recorded cells, or recorded from another sheet than the flow reads now, are left out.
            var sourceKey = flow.Source.PositionKey;
            var items = rows.Where(r => r.Fields.Count > 0 && r.SourceKey == sourceKey)
                .DistinctBy(r => r.Key).Select(r => new SourceItem(r.Key, r.Number, r.Fields, "")).ToList();
            var left = rows.Count - items.Count;
            if (items.Count == 0)
            {
                Note(flowName, $"{at}: nothing replayed: the rows have no recorded cells or were read from another sheet");
                return;
            }
            logger.LogInformation("Console replay of {Flow}: {Rows} row(s){Force}", flowName, items.Count, force ? ", calling every step again (--force)" : "");
            // Counts only: the rows' reports are in the journal, where the console's pages read them.
            var report = await new FlowRunner(dependencies.Store, dependencies.Clock) { KeepRows = false }.ReplayAsync(flow, items, force, _abort.Token, waitForLease: false);
            Note(flowName, $"{at}: run {report.RunId} replayed {report.Rows} row(s){(force ? " calling every step again" : "")}, {report.NeedsPerson} still need a person" +
                (left > 0 ? $"; {left} left out (no recorded cells, or another sheet)" : ""));
        }
        catch (FlowBusyException e)
        {
            Note(flowName, $"{at}: not replayed: the flow is running ({e.HolderDescription}); try again when that run ends");
        }
        catch (OperationCanceledException)
        {
            Note(flowName, $"{at}: replay cut by the daemon stopping; what it recorded stays recorded");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Console replay of {Flow} broke", flowName);
            Note(flowName, $"{at}: replay failed: {e.Message}");
        }
        finally
        {
            set?.Unload();
        }
    }

    private void Note(string flow, string outcome)
    {
        _outcomes[flow] = outcome;
        logger.LogInformation("Console replay of {Flow}: {Outcome}", flow, outcome);
    }

    /// <summary>Waits for replays in flight; when <paramref name="cancellationToken"/> fires (the stop bound), cuts them.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var cut = cancellationToken.Register(_abort.Cancel);
        try { await Task.WhenAll(_inFlight.Keys); }
        catch (Exception) { /* each replay noted its own outcome */ }
    }
}
