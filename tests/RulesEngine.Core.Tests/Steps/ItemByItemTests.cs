using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Steps;

/// <summary>The per-item loop and the delivery-policy resume every sending step shares.</summary>
public sealed class ItemByItemTests
{
    private static ItemScope Item(string email) =>
        new(new SourceRow(2, new Dictionary<string, string> { ["Email"] = email }), new RunInfo("flow", "run-1", DateTimeOffset.UnixEpoch, "link"));

    private static readonly InterruptedCall Interrupted = new("run-0", DateTimeOffset.UnixEpoch, "the process died");

    [Fact]
    public async Task Execute_CallsEveryItemInOrder()
    {
        var called = new List<string>();

        var outcomes = await ItemByItem.ExecuteAsync([Item("a"), Item("b")], (item, _) =>
        {
            called.Add(item.Row["Email"]);
            return Task.FromResult(StepOutcome.Success());
        }, default);

        Assert.Equal(["a", "b"], called);
        Assert.All(outcomes, o => Assert.Equal(OutcomeStatus.Succeeded, o.Status));
    }

    [Fact]
    public async Task Execute_FinishesTheItemInFlight_ButCallsNoMore_OnceTheRunIsStopping()
    {
        using var stop = new CancellationTokenSource();
        var called = 0;

        IReadOnlyList<StepOutcome> outcomes;
        using (StepCall.Enter(StepCall.ForStopping(stop.Token)))
        {
            outcomes = await ItemByItem.ExecuteAsync([Item("a"), Item("b"), Item("c")], async (_, _) =>
            {
                called++;
                await stop.CancelAsync();
                return StepOutcome.Success();
            }, default);
        }

        Assert.Equal(1, called);
        Assert.Equal(OutcomeStatus.Succeeded, outcomes[0].Status);
        Assert.All(outcomes.Skip(1), o => Assert.True(o is { Status: OutcomeStatus.Held, NoEffect: true }));
    }

    [Fact]
    public async Task Execute_Throws_WhenTheCallerCancels()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ItemByItem.ExecuteAsync([Item("a")], (_, _) => Task.FromResult(StepOutcome.Success()), cancelled.Token));
    }

    [Fact]
    public async Task Resume_AtMostOnce_SendsNothing_AndSaysDeliveryIsUnknown()
    {
        var sent = 0;

        var outcomes = await DeliveryPolicy.ResumeAsync([Item("a")], [Interrupted], atMostOnce: true, "the answer",
            (_, _) => Task.FromResult(StepOutcome.Success(new Dictionary<string, string> { ["n"] = (++sent).ToString() })), default);

        var outcome = Assert.Single(outcomes)!;
        Assert.Equal(0, sent);
        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("1", outcome.Output[DeliveryPolicy.OutputDeliveryUnknown]);
        Assert.Contains("ended without the answer", outcome.Error);
    }

    [Fact]
    public async Task Resume_AtLeastOnce_SendsAgain_AndMarksTheResend()
    {
        var outcomes = await DeliveryPolicy.ResumeAsync([Item("a"), Item("b")], [Interrupted, Interrupted], atMostOnce: false, "the answer",
            (item, _) => Task.FromResult(item.Row["Email"] == "a" ? StepOutcome.Success() : StepOutcome.Failure("refused")), default);

        Assert.Equal("1", outcomes[0]!.Output[DeliveryPolicy.OutputResent]);
        Assert.False(outcomes[1]!.Output.ContainsKey(DeliveryPolicy.OutputResent));
    }
}
