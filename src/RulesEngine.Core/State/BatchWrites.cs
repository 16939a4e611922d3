using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>One item's answer to one step, written with the other items of its batch (see
/// <see cref="IStateStore.RecordSteps"/>).</summary>
internal sealed record ItemAnswer(string ItemKey, RecordedStep Step);

/// <summary>How one item of a batch ended (see <see cref="IStateStore.CompleteItems"/>). <see cref="Position"/>: the
/// source position after it, or null to leave the position where it is (a held item, or one after it).</summary>
internal sealed record ItemCompletion(SourceItem Item, RowStatus Status, int FailedSteps, string Error, Running.RowAttention Attention, string? Position);
