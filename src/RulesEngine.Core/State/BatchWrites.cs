using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>One item's answer to one step, written with the other items of its batch (see
/// <see cref="IStateStore.RecordSteps"/>).</summary>
/// <param name="MayReplaceMarker">False when the writer knows no in-flight marker exists for this item and step (an
/// If's decision, or a call made without one while none was found): the store then skips removing it.</param>
internal sealed record ItemAnswer(string ItemKey, RecordedStep Step, bool MayReplaceMarker = true);

/// <summary>How one item of a batch ended (see <see cref="IStateStore.CompleteItems"/>). <see cref="Position"/>: the
/// source position after it, or null to leave the position where it is (a held item, or one after it).</summary>
internal sealed record ItemCompletion(SourceItem Item, RowStatus Status, int FailedSteps, string Error, Running.RowAttention Attention, string? Position);

/// <summary>What earlier runs left of one item (see <see cref="IStateStore.GetProgress"/>): its answered steps and its
/// calls without a recorded answer, each by step id.</summary>
internal sealed record ItemProgress(IReadOnlyDictionary<string, RecordedStep> Steps, IReadOnlyDictionary<string, InterruptedCall> InFlight)
{
    public static readonly ItemProgress None = new(new Dictionary<string, RecordedStep>(), new Dictionary<string, InterruptedCall>());
}

/// <summary>Gathers what a store reads for <see cref="IStateStore.GetProgress"/>, row by row, into one
/// <see cref="ItemProgress"/> per item that has any.</summary>
internal sealed class ProgressReading
{
    private readonly Dictionary<string, Dictionary<string, RecordedStep>> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, InterruptedCall>> _inFlight = new(StringComparer.Ordinal);

    public void Answered(string itemKey, RecordedStep step) => Of(_steps, itemKey)[step.StepId] = step;

    public void Called(string itemKey, string stepId, InterruptedCall call) => Of(_inFlight, itemKey)[stepId] = call;

    public IReadOnlyDictionary<string, ItemProgress> ByItem()
    {
        var progress = new Dictionary<string, ItemProgress>(StringComparer.Ordinal);
        foreach (var key in _steps.Keys.Union(_inFlight.Keys))
            progress[key] = new ItemProgress(_steps.GetValueOrDefault(key) ?? ItemProgress.None.Steps, _inFlight.GetValueOrDefault(key) ?? ItemProgress.None.InFlight);
        return progress;
    }

    private static Dictionary<string, T> Of<T>(Dictionary<string, Dictionary<string, T>> byItem, string itemKey)
    {
        if (!byItem.TryGetValue(itemKey, out var entries)) byItem[itemKey] = entries = new Dictionary<string, T>(StringComparer.Ordinal);
        return entries;
    }
}
