using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Lets a run stop between service calls: once the daemon is stopping, a receiver that has not been called yet
/// answers "held" for its items instead of calling the service. Held items are not routed, their earlier answers
/// stay in the journal and the source position stays before them, so the next run picks them up where they were.
/// A call already in flight is never cut (the runner passes it only the abort token), but it sees the stop through
/// <see cref="StepCall.Stopping"/>: its client starts no new attempt, pacing wait or retry wait, and a batch
/// receiver calls no further item.
/// </summary>
internal class StoppingReceiver(IReceiver inner, CancellationToken stopping) : IReceiver
{
    protected CancellationToken StoppingToken => stopping;

    public const string Reason = StepCall.StoppingReason;

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        if (stopping.IsCancellationRequested) return [.. items.Select(_ => StepCall.NotCalled())];
        using (StepCall.Enter(StepCall.Current.WithStopping(stopping)))
            return await inner.ExecuteAsync(items, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        inner.PreviewAsync(items, cancellationToken);

    /// <summary>Keeps the resume policy visible to the walker (a wrapper that hid it would lose in-flight markers in
    /// the daemon, so an alert interrupted by a crash could be sent twice or a create repeated).</summary>
    private sealed class Resumable(IResumableReceiver resumable, CancellationToken stopping) : StoppingReceiver(resumable, stopping), IResumableReceiver
    {
        public async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken)
        {
            if (StoppingToken.IsCancellationRequested) return [.. items.Select(_ => (StepOutcome?)StepOutcome.Held(Reason))];
            using (StepCall.Enter(StepCall.Current.WithStopping(StoppingToken)))
                return await resumable.ResumeAsync(items, interrupted, cancellationToken).ConfigureAwait(false);
        }
    }

    private static IReceiver For(IReceiver receiver, CancellationToken stopping) =>
        receiver is IResumableReceiver resumable ? new Resumable(resumable, stopping) : new StoppingReceiver(receiver, stopping);

    /// <summary>The same flow with every receiver wrapped (a copy: the loaded flow is shared with later runs).</summary>
    public static Flow Wrap(Flow flow, CancellationToken stopping) => new()
    {
        Name = flow.Name,
        FilePath = flow.FilePath,
        SourceType = flow.SourceType,
        Source = flow.Source,
        Filter = flow.Filter,
        ExistingRows = flow.ExistingRows,
        Steps = Wrap(flow.Steps, stopping),
        RunLink = flow.RunLink,
        BatchSize = flow.BatchSize,
        Triggers = flow.Triggers,
    };

    private static List<FlowStep> Wrap(IReadOnlyList<FlowStep> steps, CancellationToken stopping) =>
        steps.Select(step => step switch
        {
            ReceiverStep r => new ReceiverStep { Id = r.Id, Type = r.Type, Location = r.Location, Receiver = For(r.Receiver, stopping) },
            IfStep i => new IfStep
            {
                Id = i.Id, Type = i.Type, Location = i.Location, Comment = i.Comment, Condition = i.Condition,
                Then = Wrap(i.Then, stopping), Else = Wrap(i.Else, stopping),
            },
            _ => step,
        }).ToList();
}
