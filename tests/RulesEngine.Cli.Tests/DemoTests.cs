using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

[Collection(ProcessWideState.Name)]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_RunsTheCanonicalFlow_AndPrintsTheTelegramAlert()
    {
        var result = await CliResult.RunAsync("demo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Errors);
        Assert.Contains("  telegram message to -1001234567890:", result.Output, StringComparison.Ordinal);
        Assert.Contains("    | HelpCrunch: could not update or create a contact.", result.Output, StringComparison.Ordinal);
        Assert.Contains("    | Row 4: chloe@example.com, Chloe Martin, +33612345678, Initech, locale 'xx'", result.Output, StringComparison.Ordinal);
        Assert.Contains("    | Create: locale 'xx' is not an ISO 639-1 language code", result.Output, StringComparison.Ordinal);
        Assert.Contains("    | Run: rulesengine://runs/helpcrunch-contacts/", result.Output, StringComparison.Ordinal);
    }
}
