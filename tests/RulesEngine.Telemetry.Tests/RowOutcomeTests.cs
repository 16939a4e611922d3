using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Telemetry;

namespace RulesEngine.Telemetry.Tests;

/// <summary>The outcome label a row is counted under: one per row, the first that applies.</summary>
public sealed class RowOutcomeTests
{
    private static readonly SourceItem Item = new("key", 2, new Dictionary<string, string>(), "2");
    private static readonly IReadOnlyDictionary<string, string> NoOutput = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, string> UnknownDelivery = new Dictionary<string, string> { [DeliveryPolicy.OutputDeliveryUnknown] = "1" };

    private static StepReport Step(string id, OutcomeStatus status, IReadOnlyDictionary<string, string>? output = null) =>
        new(id, "test.step", status, status == OutcomeStatus.Succeeded ? 1 : 0, status == OutcomeStatus.Succeeded ? "" : "no", output ?? NoOutput);

    public static TheoryData<string, object, string, string> Rows => new()
    {
        // name, status, attention reason, expected
        { "every step succeeded", RowStatus.Done, "", RowOutcome.Done },
        { "a failure the flow handled", RowStatus.Done, "", RowOutcome.Handled },
        { "a failure nobody handled", RowStatus.Done, "alert failed, not handled: no", RowOutcome.Failed },
        { "a condition that threw", RowStatus.Error, "error: ifX: boom", RowOutcome.Failed },
        { "no answer from the service", RowStatus.Held, "held: update: timeout", RowOutcome.Held },
        { "rejected by the data filter", RowStatus.Skipped, "", RowOutcome.Skipped },
        { "delivery unknown", RowStatus.Done, "alert: delivery unknown", RowOutcome.DeliveryUnknown },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void RowOutcome_NamesHowTheRowEnded(string name, object statusValue, string attention, string expected)
    {
        var status = (RowStatus)statusValue; // RowStatus is internal to Core; a public test method cannot take it
        IReadOnlyList<StepReport> steps = name switch
        {
            "a failure the flow handled" => [Step("update", OutcomeStatus.Failed), Step("create", OutcomeStatus.Succeeded)],
            "a failure nobody handled" => [Step("alert", OutcomeStatus.Failed)],
            "delivery unknown" => [Step("alert", OutcomeStatus.Failed, UnknownDelivery)],
            _ => [Step("update", OutcomeStatus.Succeeded)],
        };
        var row = new ItemReport(Item, status, steps, "") { Attention = new RowAttention(attention) };

        Assert.Equal(expected, RowOutcome.Of(row));
    }

    [Fact]
    public void RowOutcome_IsHeld_WhenAHeldRowAlsoHasAnUnknownDelivery()
    {
        // Held comes first: the next run takes the row again, whatever else it says.
        var row = new ItemReport(Item, RowStatus.Held, [Step("alert", OutcomeStatus.Failed, UnknownDelivery)], "held");

        Assert.Equal(RowOutcome.Held, RowOutcome.Of(row));
    }
}
