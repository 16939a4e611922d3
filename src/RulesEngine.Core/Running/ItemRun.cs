using System.Diagnostics;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Running;

/// <summary>One item on its way through the steps of one run.</summary>
/// <param name="recorded">Answers an earlier run recorded for it, by step id: never asked for again.</param>
/// <param name="inFlight">Calls an earlier run started for it without recording their answer, by step id.</param>
internal sealed class ItemRun(
    SourceItem item, ItemScope scope, IReadOnlyDictionary<string, RecordedStep> recorded,
    IReadOnlyDictionary<string, InterruptedCall>? inFlight = null)
{
    private static readonly IReadOnlyDictionary<string, InterruptedCall> NoCalls = new Dictionary<string, InterruptedCall>();

    public SourceItem Item { get; } = item;
    public ItemScope Scope { get; } = scope;
    public IReadOnlyDictionary<string, RecordedStep> Recorded { get; } = recorded;
    public IReadOnlyDictionary<string, InterruptedCall> InFlight { get; } = inFlight ?? NoCalls;
    public List<StepReport> Steps { get; } = [];
    public RowStatus Status { get; set; } = RowStatus.Done;
    public string Error { get; set; } = "";

    /// <summary>The row's span while tracing is on (see <see cref="Telemetry.EngineTracing"/>), else null.</summary>
    public Activity? Span { get; set; }

    /// <summary>Held or errored items take no further steps.</summary>
    public bool Stopped => Status is RowStatus.Held or RowStatus.Error or RowStatus.Skipped;

    /// <summary>Requests a preview produced for the step being walked (test mode only).</summary>
    public IReadOnlyList<RequestPreview>? PendingRequests { get; set; }

    public IReadOnlyList<RequestPreview>? TakeRequests()
    {
        var requests = PendingRequests;
        PendingRequests = null;
        return requests;
    }

    public ItemReport ToReport() => new(Item, Status, Steps, Error);
}
