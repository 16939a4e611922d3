using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Output;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// A sheet cell is untrusted: ANSI escape sequences (clear the screen, retitle the window, recolour) and bidi
/// overrides (make a line read backwards) in it must reach a terminal visibly escaped, never raw. The journal keeps
/// the cell exactly as it was.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class TerminalEscapingTests
{
    private const string HostileEmail = "mallory\u001b[2J\u001b]0;owned\u0007@example.com";
    private const string HostileName = "Mallory \u202Emoc.elpmaxe\u202C\r\n  row 9    done";
    private static readonly string[] Hostile = [HostileEmail, HostileName, "+15550100", "Evil\u009bCorp\u2066x\u2069", "en"];

    [Fact]
    public async Task Run_PrintsAHostileCellEscaped_OnOneLine_AndTheJournalKeepsItAsItWas()
    {
        await using var sandbox = await Sandbox.StartAsync(Hostile);

        var result = await sandbox.RunAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRawControlOrBidi(result.All);
        var line = Assert.Single(result.Output.Split('\n'), l => l.Contains("mallory", StringComparison.Ordinal));
        Assert.Contains(@"mallory\u001B[2J\u001B]0;owned\u0007@example.com", result.Output, StringComparison.Ordinal);
        Assert.StartsWith("  row 2 ", line, StringComparison.Ordinal);

        var history = await sandbox.HistoryAsync("--run", Sandbox.RunIdOf(result), "--json");
        AssertNoRawControlOrBidi(history.All);
        var fields = JObject.Parse(history.Output)["rows"]![0]!["fields"]!;
        Assert.Equal(HostileEmail, fields.Value<string>("Email"));
        Assert.Equal(HostileName, fields.Value<string>("Name"));

        var text = await sandbox.HistoryAsync("--run", Sandbox.RunIdOf(result));
        AssertNoRawControlOrBidi(text.All);
    }

    [Fact]
    public async Task Test_PrintsAHostileCellEscaped()
    {
        await using var sandbox = await Sandbox.StartAsync(Hostile);

        var result = await sandbox.TestAsync(Repo.CanonicalFlow);

        Assert.True(result.ExitCode == 0, result.ToString());
        AssertNoRawControlOrBidi(result.All);
        Assert.Contains(@"Name=Mallory \u202Emoc.elpmaxe\u202C\r\n  row 9    done", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain text, café, 東京", "plain text, café, 東京")]
    [InlineData("\u001b[31mred\u001b[0m", @"\u001B[31mred\u001B[0m")]
    [InlineData("a\u202Eb\u202Cc", @"a\u202Eb\u202Cc")]
    [InlineData("x\u2066y\u2069\u200E\u200F\u061C", @"x\u2066y\u2069\u200E\u200F\u061C")]
    [InlineData("del\u007f c1\u0085\u009b", @"del\u007F c1\u0085\u009B")]
    [InlineData("one\ntwo\r\tthree", @"one\ntwo\r\tthree")]
    [InlineData("sep\u2028arator", @"sep\u2028arator")]
    public void Escape_ShowsControlAndBidiCharactersVisibly(string text, string shown) =>
        Assert.Equal(shown, TerminalText.Escape(text));

    [Fact]
    public void EscapeLines_KeepsTheProgramsOwnLineBreaks_AndIsAValidJsonEscape()
    {
        Assert.Equal("a\nb\r\nc\\rd", TerminalText.EscapeLines("a\nb\r\nc\rd"));
        var json = new JObject { ["v"] = "x\u202Ey\u001bz" }.ToString();
        Assert.Equal("x\u202Ey\u001bz", JObject.Parse(TerminalText.EscapeLines(json)).Value<string>("v"));
    }

    private static void AssertNoRawControlOrBidi(string text)
    {
        var raw = text.Select((c, i) => (c, i)).Where(p => p.c != '\n' && TerminalText.IsControlOrBidi(p.c)).ToList();
        Assert.True(raw.Count == 0, $"raw U+{(raw.Count > 0 ? ((int)raw[0].c).ToString("X4") : "")} at {(raw.Count > 0 ? raw[0].i : -1)}:\n{text}");
    }
}
