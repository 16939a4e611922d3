using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>On a stop (<see cref="StepCall.Stopping"/>) no new attempt and no new retry wait starts; on fake time.</summary>
public sealed class StopTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stop_DuringTheRetryWait_StartsNoNewAttempt_AndHoldsTheRow()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.Faults.FailRandomly(1.0, 1, Fault.Status(500));
        var time = new FakeTimeProvider();
        using var client = new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = TestConnection.ApiKey, BaseUrl = emulator.BaseUrl, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { MaxAttempts = 10, BaseDelay = TimeSpan.FromSeconds(5), RequestsPerMinute = 0 },
        }, timeProvider: time);
        var step = new UpdateContactStep(client, "email", MultipleMatches.First, item => item.Row["Email"], _ => new JObject());
        using var stopping = new CancellationTokenSource();

        Task<StepOutcome> update;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            update = step.UpdateAsync("ann@example.com", new JObject { ["name"] = "Ann" }, default);
        // Fake time never moves here: without the stop the retry wait would last forever. Stop once the first attempt
        // reached the service (it is then in flight or waiting; either way it must be the only one).
        await WaitForAsync(() => emulator.Received.Count >= 1);
        await stopping.CancelAsync();
        var outcome = await update.WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("not retried: the run is stopping", outcome.Error, StringComparison.Ordinal);
        Assert.Single(emulator.Received);
    }

    /// <summary>9/6 for the create: a POST refused with 429 did not create, so during the wait the marker says
    /// "not sent" (a kill there creates on the next run without a look-up); after a 500 it never does.</summary>
    [Theory]
    [InlineData(429, true)]
    [InlineData(500, false)]
    public async Task Create_MarksNotSentDuringTheRetryWait_OnlyWhenTheServiceRefused(int status, bool notSent)
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.Faults.FailNext(status == 429 ? Fault.RateLimited(4) : Fault.Status(500), "/customers");
        var time = new FakeTimeProvider();
        using var client = new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = TestConnection.ApiKey, BaseUrl = emulator.BaseUrl, Retry = HelpCrunchConnectionSpec.Retry.Defaults with { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(4), RequestsPerMinute = 0 },
        }, timeProvider: time);
        var marks = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stopping = new CancellationTokenSource();

        Task<StepOutcome> create;
        using (StepCall.Enter(StepCall.ForMarker(() => marks.Enqueue("sending"), () => marks.Enqueue("not sent"), effectPossible: false)
                   .WithStopping(stopping.Token)))
            create = new CreateContactStep(client, _ => new JObject()).CreateAsync(JObject.Parse("""{"email":"new@example.com"}"""), default);
        await WaitForAsync(() => emulator.Received.Count >= 1 && (marks.Count > 0 || !notSent));
        // Stop instead of waiting the retry out (fake time does not move): what matters is what the marker said.
        await stopping.CancelAsync();
        var outcome = await create.WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal(notSent ? ["not sent"] : [], marks.ToArray());
        Assert.Equal(notSent, outcome.NoEffect);
        Assert.Single(emulator.Received);
        Assert.Empty(emulator.Contacts);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition()) await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
    }
}
