using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// HelpCrunch's limit is per account, so every client of one account in the process (two flows, two connection
/// entries with the same key) spends one budget: requests made through one client leave fewer for the other.
/// Permits come back only as the one-minute window slides, so the counts below hold for a minute after the calls.
/// </summary>
public sealed class AccountPacingTests
{
    private static HelpCrunchClient Paced(HelpCrunchEmulator emulator, int perMinute, string apiKey = TestConnection.ApiKey) =>
        TestConnection.Connect(emulator, s => s["requestsPerMinute"] = perMinute, apiKey);

    private static long Available(HelpCrunchClient client) => client.Pacing!.GetStatistics()!.CurrentAvailablePermits;

    [Fact]
    public async Task TwoClientsOfOneAccount_SpendOneBudget()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var flowA = Paced(emulator, 100);
        using var flowB = Paced(emulator, 100);

        await flowA.SearchAsync("email", "a@example.com", 1);
        await flowA.SearchAsync("email", "b@example.com", 1);
        await flowB.SearchAsync("email", "c@example.com", 1);

        Assert.Same(flowA.Pacing, flowB.Pacing);
        Assert.Equal(97, Available(flowA));
        Assert.Equal(97, Available(flowB));
    }

    [Fact]
    public async Task AnotherAccount_HasItsOwnBudget()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var first = Paced(emulator, 100);
        using var other = Paced(emulator, 100, apiKey: "hc-another-account-key");

        await first.SearchAsync("email", "a@example.com", 1);

        Assert.NotSame(first.Pacing, other.Pacing);
        Assert.Equal(99, Available(first));
        Assert.Equal(100, Available(other));
    }

    [Fact]
    public async Task TheLowestRequestsPerMinuteOfAnAccount_AppliesToAllItsClients()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        using var generous = Paced(emulator, 100);
        using var careful = Paced(emulator, 60);

        await generous.SearchAsync("email", "a@example.com", 1);

        Assert.Equal(60, generous.Pacing!.PerMinute);
        Assert.Equal(59, Available(careful));
    }

    [Fact]
    public async Task TheBudgetEnds_WithTheLastClientOfTheAccount()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var before = Paced(emulator, 100);
        await before.SearchAsync("email", "a@example.com", 1);
        before.Dispose();
        before.Dispose(); // twice is harmless

        using var after = Paced(emulator, 100);

        Assert.Equal(100, Available(after));
    }
}
