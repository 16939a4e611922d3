using System.Text.RegularExpressions;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>Each run processes only the rows added since the last one, found by reading the whole tab once.</summary>
[Collection(ProcessWideState.Name)]
public sealed partial class NewRowsTests
{
    [Fact]
    public async Task Run_ProcessesOnlyTheAppendedRow_AndAThirdRunSendsNothing()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Ben, Sandbox.Dana);
        sandbox.Services.HelpCrunch.AddContact("anna@example.com", "Anna K.");
        var first = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("3 new row(s)", first.Output, StringComparison.Ordinal);

        sandbox.ClearReceived();
        var rowNumber = sandbox.AppendRow(Sandbox.Chloe[0], "Chloe Martin", "+33612345678", "Initech", "fr");
        var second = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(5, rowNumber);
        Assert.Contains("1 new row(s)", second.Output, StringComparison.Ordinal);
        Assert.NotEmpty(sandbox.HelpCrunchReceived);
        Assert.All(sandbox.HelpCrunchReceived, r =>
        {
            Assert.Contains("chloe@example.com", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("anna@", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("ben@", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("dana@", r.Body, StringComparison.Ordinal);
        });
        Assert.Contains(sandbox.Services.HelpCrunch.Contacts, c => c.Value<string>("email") == "chloe@example.com");

        // One read of the whole tab, header included, compared with the recorded rows: no row number is trusted.
        Assert.Equal([1], DataRowReads(sandbox));

        sandbox.ClearReceived();
        var third = await sandbox.RunAsync(Repo.CanonicalFlow);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("0 new row(s)", third.Output, StringComparison.Ordinal);
        Assert.Empty(sandbox.HelpCrunchReceived);
        Assert.Empty(sandbox.Services.Telegram.Received);
    }

    /// <summary>The first row of each values.get of a range of rows ("Contacts!A1:ZZ" -> 1).</summary>
    private static List<int> DataRowReads(Sandbox sandbox) =>
        [.. sandbox.Services.Sheets.Received
            .Select(r => DataRange().Match(r.Path))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"/values/.*![A-Z]+(\d+):[A-Z]+$")]
    private static partial Regex DataRange();
}
