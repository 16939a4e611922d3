using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Core.Running;

/// <summary>
/// Walks a batch of items through a step list: receivers get every item that reaches them as one batch; an If
/// block splits the batch into its Then and Else branches. Every answer and every If's decision goes to the
/// <paramref name="journal"/> as it is known and is durable before the next call to any service
/// (<see cref="IStepJournal.MakeDurable"/>, or the marker of a call with a resume policy): the walker never acts
/// on a service while something it learned exists only in memory. Shared by real runs, <c>test</c> and
/// <c>test --send</c>, which differ only in how a receiver is called and whether answers are recorded.
/// <para>
/// A receiver with a resume policy (<see cref="IResumableReceiver"/>) is called one item at a time, each call
/// preceded by a durable in-flight marker; an item whose marker survived (a crash mid-call, or a call that ended
/// without an answer) is offered to <see cref="IResumableReceiver.ResumeAsync"/> before any new call.
/// </para>
/// </summary>
internal sealed class StepWalker(
    Func<ReceiverStep, IReadOnlyList<ItemRun>, Task<IReadOnlyList<StepOutcome>>> callReceiver,
    IStepJournal journal,
    TimeProvider clock,
    string runId,
    CancellationToken cancellationToken)
{
    /// <summary>Whether step calls are counted, timed and traced (<see cref="Telemetry.EngineMetrics"/>): for runs, not
    /// for <c>test</c>, whose previews are predictions and whose sends belong to no run.</summary>
    public bool RecordsTelemetry { get; init; }

    public async Task WalkAsync(IReadOnlyList<FlowStep> steps, IReadOnlyList<ItemRun> items)
    {
        foreach (var step in steps)
        {
            var active = items.Where(i => !i.Stopped).ToList();
            if (active.Count == 0) return;
            foreach (var item in active) item.Scope.CurrentStep = step.Id; // for the quarantine's note
            switch (step)
            {
                case ReceiverStep receiver:
                    await RunReceiverAsync(receiver, active);
                    break;
                case IfStep branch:
                    var (then, otherwise) = Split(branch, active);
                    await WalkAsync(branch.Then, then);
                    await WalkAsync(branch.Else, otherwise);
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

        if (step.Receiver is IResumableReceiver resumable)
        {
            foreach (var item in toCall)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (item.InFlight.TryGetValue(step.Id, out var interrupted))
                {
                    // The interrupted call may have acted: nothing this resume does may record "not sent".
                    journal.MakeDurable(); // a resume asks the service, and may act on it
                    using (StepCall.Enter(MarkerCall(step, item, effectPossible: true)))
                    {
                        if (await CallAsync(step, [item], () => ResumeAsync(resumable, item, interrupted)) is [{ } resumed])
                        {
                            RecordNow(item, Apply(step, item, resumed, hasResumePolicy: true, resumedFrom: interrupted));
                            continue;
                        }
                    }
                }
                journal.MarkInFlight(item, step.Id, Sending);
                IReadOnlyList<StepOutcome?> outcomes;
                using (StepCall.Enter(MarkerCall(step, item, effectPossible: false)))
                    outcomes = await CallAsync(step, [item], async () => [.. await callReceiver(step, [item])]);
                RecordNow(item, Apply(step, item, outcomes[0]!, hasResumePolicy: true, resumedFrom: null));
            }
            return;
        }

        journal.MakeDurable();
        var answers = await CallAsync(step, toCall, async () => [.. await callReceiver(step, toCall)]);
        // The batch's answers go to the journal together; they become durable with the next call's write (its marker,
        // or the write before a call without one) or with the batch's end, in one commit with whatever comes between
        // (the If decisions that route the rows). A receiver with a resume policy, above, has each item's answer
        // written with the next item's marker, so no call starts while an earlier answer exists only in memory.
        var answered = new List<(ItemRun, RecordedStep)>();
        for (var i = 0; i < toCall.Count; i++)
            if (Apply(step, toCall[i], answers[i]!, hasResumePolicy: false, resumedFrom: null) is { } recorded) answered.Add((toCall[i], recorded));
        journal.RecordAll(answered);
    }

    /// <summary>What the marker says while a call may reach the service.</summary>
    private const string Sending = "called";

    /// <summary>Lets the receiver's client say, between attempts, that nothing was sent (the marker is cleared, so a
    /// process killed during the retry wait calls again next run) or that something may have been (it is put back).</summary>
    private StepCall MarkerCall(ReceiverStep step, ItemRun item, bool effectPossible) => StepCall.ForMarker(
        markSending: () => journal.MarkInFlight(item, step.Id, Sending),
        markNotSent: () => journal.ClearInFlight(item, step.Id),
        effectPossible);

    private async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IResumableReceiver receiver, ItemRun item, InterruptedCall interrupted) =>
        await receiver.ResumeAsync([item.Scope], [interrupted], cancellationToken);

    /// <summary>Calls a receiver; a receiver that breaks its contract (throws, or answers the wrong number of items)
    /// holds the items rather than routing them as failures: a crash inside "update" must not send a row to "create".</summary>
    /// <remarks>Every receiver call passes here, so this is where a step's span and duration are taken.</remarks>
    private async Task<IReadOnlyList<StepOutcome?>> CallAsync(ReceiverStep step, List<ItemRun> items, Func<Task<IReadOnlyList<StepOutcome?>>> call)
    {
        using var span = RecordsTelemetry ? EngineTracing.StartStep(step, items) : null;
        CallerScope.Enter(step.Type);
        var started = clock.GetTimestamp();
        IReadOnlyList<StepOutcome?> outcomes;
        try
        {
            outcomes = await call();
            if (outcomes.Count != items.Count)
                throw new InvalidOperationException($"{step.Type} returned {outcomes.Count} outcomes for {items.Count} items");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            outcomes = [.. items.Select(_ => StepOutcome.Held($"{step.Type} failed unexpectedly: {SecretRedactor.Redact(e.Message)}", e))];
        }
        if (RecordsTelemetry) EngineMetrics.StepCallTook(step.Type, clock.GetElapsedTime(started));
        EngineTracing.EndStep(span, outcomes);
        return outcomes;
    }

    private void RecordNow(ItemRun item, RecordedStep? answer)
    {
        if (answer is not null) journal.Record(item, answer);
    }

    /// <summary>Applies an outcome to the item; returns the answer to record (the caller writes it before the next
    /// step runs), or null for a held item, which has none.</summary>
    private RecordedStep? Apply(ReceiverStep step, ItemRun item, StepOutcome outcome, bool hasResumePolicy, InterruptedCall? resumedFrom)
    {
        var error = SecretRedactor.Redact(outcome.Error);
        if (RecordsTelemetry) EngineMetrics.StepAnswered(step.Type, outcome.Status);
        if (outcome.Status == OutcomeStatus.Held)
        {
            item.Status = RowStatus.Held;
            item.Error = $"{step.Id}: {error}";
            item.Steps.Add(new StepReport(step.Id, step.Type, OutcomeStatus.Held, null, error, outcome.Output));
            // No answer is not an answer: unless the receiver knows nothing happened, the call may have acted, so
            // the marker stays and the next attempt goes through the resume policy first.
            if (hasResumePolicy)
            {
                if (outcome.NoEffect && resumedFrom is null) journal.ClearInFlight(item, step.Id);
                else journal.MarkInFlight(item, step.Id, "no answer: " + error);
            }
            return null;
        }
        var result = outcome.Status == OutcomeStatus.Succeeded ? 1 : 0;
        item.Scope.SetStep(step.Id, new StepResult(true, result, error, outcome.Output));
        item.Steps.Add(new StepReport(step.Id, step.Type, outcome.Status, result, error, outcome.Output,
            Requests: item.TakeRequests(), ResumedFrom: resumedFrom?.RunId));
        return new RecordedStep(step.Id, result, error, outcome.Output, runId, clock.GetUtcNow());
    }

    private (List<ItemRun> Then, List<ItemRun> Else) Split(IfStep step, List<ItemRun> items)
    {
        var then = new List<ItemRun>();
        var otherwise = new List<ItemRun>();
        var answered = new List<(ItemRun, RecordedStep)>();
        foreach (var item in items)
        {
            bool holds;
            string? explanation = null; // the value of each part of the condition, for test --explain and the history
            if (item.Recorded.TryGetValue(step.Id, out var earlier)) (holds, explanation) = (earlier.Result == 1, earlier.Output.GetValueOrDefault(ExplanationKey));
            else
            {
                try
                {
                    var explained = step.Condition.Explain(item.Scope);
                    (holds, explanation) = (explained.Value, explained.ToString());
                }
                catch (ExpressionException e)
                {
                    item.Status = RowStatus.Error;
                    item.Error = $"{step.Id}: {e.Message}";
                    item.Steps.Add(new StepReport(step.Id, IfStep.TypeName, OutcomeStatus.Failed, null, e.Message, EmptyOutput));
                    continue;
                }
                answered.Add((item, new RecordedStep(step.Id, holds ? 1 : 0, "", new Dictionary<string, string> { [ExplanationKey] = explanation }, runId, clock.GetUtcNow())));
            }
            item.Scope.SetStep(step.Id, new StepResult(true, holds ? 1 : 0, ""));
            item.Steps.Add(new StepReport(step.Id, IfStep.TypeName, null, holds ? 1 : 0, "", EmptyOutput, Explanation: explanation));
            (holds ? then : otherwise).Add(item);
        }
        // Every branch decision of the batch is durable before either branch calls a service (see the class summary):
        // a resumed row takes the branch it took, even when its condition would now say otherwise.
        journal.RecordAll(answered);
        return (then, otherwise);
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyOutput = new Dictionary<string, string>();

    /// <summary>Where an If's explanation is kept in the run history (the recorded answer's output).</summary>
    public const string ExplanationKey = "explanation";
}
