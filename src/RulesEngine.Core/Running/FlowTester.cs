using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Running;

/// <summary>
/// The platforms' "test data": one real item through the flow with nothing recorded and no position moved.
/// Without <c>send</c>, receivers only preview (the exact requests, and a predicted answer from read-only calls),
/// and the If blocks are evaluated on those predictions. With <c>send</c>, receivers really run for that item.
/// </summary>
internal sealed class FlowTester(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<ItemReport> TestAsync(Flow flow, SourceItem item, bool send, CancellationToken cancellationToken)
    {
        ColumnNames.EnsureUnambiguous(flow.Source.DeclaredFields, [item.Fields.Keys]);
        var runId = "test-" + _clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss");
        var run = new RunInfo(flow.Name, runId, _clock.GetUtcNow(), FlowRunner.LinkFor(flow, runId));
        var itemRun = new ItemRun(item, item.ToScope(run), new Dictionary<string, State.RecordedStep>());
        if (flow.Filter is not null && !flow.Filter.Evaluate(itemRun.Scope))
        {
            itemRun.Status = State.RowStatus.Skipped;
            itemRun.Error = "the data filter rejects this row; a real run would skip it";
            return itemRun.ToReport();
        }
        var walker = new StepWalker(send ? SendAsync : PreviewAsync, NoJournal.Instance, _clock, runId, cancellationToken);
        await walker.WalkAsync(flow.Steps, [itemRun]);
        return itemRun.ToReport();

        async Task<IReadOnlyList<StepOutcome>> SendAsync(ReceiverStep step, IReadOnlyList<ItemRun> items) =>
            await step.Receiver.ExecuteAsync(items.Select(i => i.Scope).ToList(), cancellationToken);

        async Task<IReadOnlyList<StepOutcome>> PreviewAsync(ReceiverStep step, IReadOnlyList<ItemRun> items)
        {
            var previews = await step.Receiver.PreviewAsync(items.Select(i => i.Scope).ToList(), cancellationToken);
            for (var i = 0; i < items.Count && i < previews.Count; i++) items[i].PendingRequests = previews[i].Requests;
            return previews.Select(p => p.Predicted).ToList();
        }
    }
}
