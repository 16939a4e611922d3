using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Lets a run stop between service calls: once the daemon is stopping, a receiver that has not been called yet
/// answers "held" for its items instead of calling the service. Held items are not routed, their earlier answers
/// stay in the journal and the source position stays before them, so the next run picks them up where they were.
/// A call already in flight is never cut: the runner passes it only the abort token.
/// </summary>
internal sealed class StoppingReceiver(IReceiver inner, CancellationToken stopping) : IReceiver
{
    public const string Reason = "the daemon was stopping: not called; the row runs again on the next run";

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        stopping.IsCancellationRequested
            ? Task.FromResult<IReadOnlyList<StepOutcome>>(items.Select(_ => StepOutcome.Held(Reason)).ToList())
            : inner.ExecuteAsync(items, cancellationToken);

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        inner.PreviewAsync(items, cancellationToken);

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
            ReceiverStep r => new ReceiverStep { Id = r.Id, Type = r.Type, Location = r.Location, Receiver = new StoppingReceiver(r.Receiver, stopping) },
            IfStep i => new IfStep
            {
                Id = i.Id, Type = i.Type, Location = i.Location, Comment = i.Comment, Condition = i.Condition,
                Then = Wrap(i.Then, stopping), Else = Wrap(i.Else, stopping),
            },
            _ => step,
        }).ToList();
}
