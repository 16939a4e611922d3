using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Running;

/// <summary>
/// Walks a batch of items through a step list: receivers get every item that reaches them as one batch; an If
/// block splits the batch into its Then and Else branches. Every answer goes through <paramref name="record"/>
/// before the next step runs (the journal, in a real run). Shared by real runs, <c>test</c> and <c>test --send</c>,
/// which differ only in how a receiver is called and whether answers are recorded.
/// </summary>
internal sealed class StepWalker(
    Func<ReceiverStep, IReadOnlyList<ItemRun>, Task<IReadOnlyList<StepOutcome>>> callReceiver,
    Action<ItemRun, RecordedStep> record,
    TimeProvider clock,
    string runId)
{
    public async Task WalkAsync(IReadOnlyList<FlowStep> steps, IReadOnlyList<ItemRun> items, CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            var active = items.Where(i => !i.Stopped).ToList();
            if (active.Count == 0) return;
            switch (step)
            {
                case ReceiverStep receiver:
                    await RunReceiverAsync(receiver, active);
                    break;
                case IfStep branch:
                    var (then, otherwise) = Split(branch, active);
                    await WalkAsync(branch.Then, then, cancellationToken);
                    await WalkAsync(branch.Else, otherwise, cancellationToken);
                    break;
            }
        }
    }

    private async Task RunReceiverAsync(ReceiverStep step, List<ItemRun> items)
    {
        var toCall = new List<ItemRun>();
        foreach (var item in items)
        {
            if (item.Recorded.TryGetValue(step.Id, out var earlier))
            {
                // Answered in an interrupted earlier run: never call the service again for it.
                item.Scope.SetStep(step.Id, new StepResult(true, earlier.Result, earlier.Error, earlier.Output));
                item.Steps.Add(new StepReport(step.Id, step.Type, earlier.Result == 1 ? OutcomeStatus.Succeeded : OutcomeStatus.Failed,
                    earlier.Result, earlier.Error, earlier.Output, Replayed: true));
            }
            else toCall.Add(item);
        }
        if (toCall.Count == 0) return;

        IReadOnlyList<StepOutcome> outcomes;
        try
        {
            outcomes = await callReceiver(step, toCall);
            if (outcomes.Count != toCall.Count)
                throw new InvalidOperationException($"{step.Type} returned {outcomes.Count} outcomes for {toCall.Count} items");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A receiver broke its contract. Hold the items rather than route them as failures: a crash inside
            // "update" must not send the row to "create".
            outcomes = toCall.Select(_ => StepOutcome.Held($"{step.Type} failed unexpectedly: {SecretRedactor.Redact(e.Message)}", e)).ToList();
        }

        for (var i = 0; i < toCall.Count; i++)
        {
            var item = toCall[i];
            var outcome = outcomes[i];
            var error = SecretRedactor.Redact(outcome.Error);
            if (outcome.Status == OutcomeStatus.Held)
            {
                item.Status = RowStatus.Held;
                item.Error = $"{step.Id}: {error}";
                item.Steps.Add(new StepReport(step.Id, step.Type, OutcomeStatus.Held, null, error, outcome.Output));
                continue;
            }
            var result = outcome.Status == OutcomeStatus.Succeeded ? 1 : 0;
            record(item, new RecordedStep(step.Id, result, error, outcome.Output, runId, clock.GetUtcNow()));
            item.Scope.SetStep(step.Id, new StepResult(true, result, error, outcome.Output));
            item.Steps.Add(new StepReport(step.Id, step.Type, outcome.Status, result, error, outcome.Output, Requests: item.TakeRequests()));
        }
    }

    private (List<ItemRun> Then, List<ItemRun> Else) Split(IfStep step, List<ItemRun> items)
    {
        var then = new List<ItemRun>();
        var otherwise = new List<ItemRun>();
        foreach (var item in items)
        {
            bool holds;
            if (item.Recorded.TryGetValue(step.Id, out var earlier)) holds = earlier.Result == 1;
            else
            {
                try
                {
                    holds = step.Condition.Evaluate(item.Scope);
                }
                catch (ExpressionException e)
                {
                    item.Status = RowStatus.Error;
                    item.Error = $"{step.Id}: {e.Message}";
                    item.Steps.Add(new StepReport(step.Id, IfStep.TypeName, OutcomeStatus.Failed, null, e.Message, EmptyOutput));
                    continue;
                }
                record(item, new RecordedStep(step.Id, holds ? 1 : 0, "", EmptyOutput, runId, clock.GetUtcNow()));
            }
            item.Scope.SetStep(step.Id, new StepResult(true, holds ? 1 : 0, ""));
            item.Steps.Add(new StepReport(step.Id, IfStep.TypeName, null, holds ? 1 : 0, "", EmptyOutput));
            (holds ? then : otherwise).Add(item);
        }
        return (then, otherwise);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyOutput = new Dictionary<string, string>();
}
