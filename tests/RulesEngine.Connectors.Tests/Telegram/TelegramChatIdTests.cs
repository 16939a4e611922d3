namespace RulesEngine.Connectors.Telegram.Tests;

public sealed class TelegramChatIdTests
{
    [Theory]
    [InlineData("123456789", "123456789")]
    [InlineData("-1001234567890", "-1001234567890")]
    [InlineData(" -42\n", "-42")]
    [InlineData("@my_channel", "@my_channel")]
    public void TryParse_Accepts_NumericIdsAndUsernames(string text, string expected)
    {
        Assert.True(TelegramChatId.TryParse(text, out var chat, out var error), error);
        Assert.Equal(expected, chat.ToString());
    }

    [Theory]
    [InlineData("", "chat id is empty")]
    [InlineData("   ", "chat id is empty")]
    [InlineData("0", "is not a Telegram chat")]
    [InlineData("abc", "is not a Telegram chat")]
    [InlineData("@", "is not a Telegram chat")]
    [InlineData("@has space", "is not a Telegram chat")]
    [InlineData("12ab", "is not a Telegram chat")]
    [InlineData("https://t.me/channel", "is not a Telegram chat")]
    public void TryParse_Rejects_AnythingElse_WithAClearError(string text, string expected)
    {
        Assert.False(TelegramChatId.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
