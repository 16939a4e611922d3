namespace RulesEngine.Connectors.Telegram.Tests;

public sealed class MessageSplitterTests
{
    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("line one\nline two")]
    public void Split_ReturnsTextWhole_WhenWithinLimit(string text) =>
        Assert.Equal([text], MessageSplitter.Split(text));

    [Fact]
    public void Split_CutsAtLastLineBreak_WhenOverLimit()
    {
        var text = "aaaa\nbbbb\ncccc";
        Assert.Equal(["aaaa\nbbbb", "cccc"], MessageSplitter.Split(text, maxLength: 10));
    }

    [Fact]
    public void Split_CutsAtSpace_WhenNoLineBreakFits()
    {
        Assert.Equal(["aaa bbb", "ccc"], MessageSplitter.Split("aaa bbb ccc", maxLength: 8));
    }

    [Fact]
    public void Split_CutsHard_WhenNoBreakAtAll()
    {
        Assert.Equal(["abcd", "efgh", "ij"], MessageSplitter.Split("abcdefghij", maxLength: 4));
    }

    [Fact]
    public void Split_KeepsSurrogatePairsWhole()
    {
        var parts = MessageSplitter.Split("abc\U0001F600def", maxLength: 4);
        Assert.Equal("abc", parts[0]);
        Assert.Equal("\U0001F600de", parts[1]);
    }

    [Fact]
    public void Split_KeepsEveryPartWithinTelegramsLimit_AndLosesOnlyTheBreaks()
    {
        var lines = Enumerable.Range(0, 400).Select(i => $"row {i}: " + new string('x', i % 50));
        var text = string.Join("\n", lines);
        var parts = MessageSplitter.Split(text);
        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.InRange(p.Length, 1, MessageSplitter.MaxLength));
        Assert.Equal(text, string.Join("\n", parts));
    }
}
