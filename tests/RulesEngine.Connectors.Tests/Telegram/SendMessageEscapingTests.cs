using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;
using Telegram.Bot.Types.Enums;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>With a parse mode, values inserted by placeholders are escaped; the flow's own markup is not.</summary>
public sealed class SendMessageEscapingTests : IAsyncLifetime
{
    private const string Name = "<script> & Tom_Jones *vip* [x](y) 1.5!";
    private TelegramEmulator _emulator = null!;
    private TelegramClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TelegramEmulator.StartAsync();
        _client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(ParseMode.Html, "<b>New:</b> {Name} ({Name.Length})",
        "<b>New:</b> &lt;script&gt; &amp; Tom_Jones *vip* [x](y) 1.5! (38)")]
    [InlineData(ParseMode.MarkdownV2, "*New:* {Name} {Row.Number}",
        @"*New:* <script\> & Tom\_Jones \*vip\* \[x\]\(y\) 1\.5\! 7")]
    [InlineData(ParseMode.Markdown, "*New:* {Name}",
        @"*New:* <script> & Tom\_Jones \*vip\* \[x](y) 1.5!")]
    [InlineData(ParseMode.None, "New: {Name}",
        "New: <script> & Tom_Jones *vip* [x](y) 1.5!")]
    public async Task Execute_EscapesPlaceholderValues_ForTheParseMode(ParseMode parseMode, string text, string expected)
    {
        var step = Step(text, parseMode);

        var outcome = Assert.Single(await step.ExecuteAsync([Scope()], default));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(expected, Assert.Single(_emulator.SentMessages).Text);
    }

    [Fact]
    public async Task Preview_ShowsTheEscapedText()
    {
        var step = Step("<i>{Name}</i>", ParseMode.Html);

        var preview = Assert.Single(await step.PreviewAsync([Scope()], default));

        using var body = System.Text.Json.JsonDocument.Parse(Assert.Single(preview.Requests).Body!);
        Assert.Equal("<i>&lt;script&gt; &amp; Tom_Jones *vip* [x](y) 1.5!</i>", body.RootElement.GetProperty("text").GetString());
        Assert.Empty(_emulator.SentMessages);
    }

    [Theory]
    [InlineData("a<b>&\"c\"", "a&lt;b&gt;&amp;&quot;c&quot;")]
    [InlineData("plain", "plain")]
    public void EscapeHtml_ReplacesTheFourSpecialCharacters(string value, string expected) =>
        Assert.Equal(expected, MessageSender.EscapeHtml(value));

    [Fact]
    public void EscapeMarkdownV2_EscapesEveryReservedCharacter() =>
        Assert.Equal(@"\_\*\[\]\(\)\~\`\>\#\+\-\=\|\{\}\.\!\\", MessageSender.EscapeMarkdownV2(@"_*[]()~`>#+-=|{}.!\"));

    private SendMessageStep Step(string text, ParseMode parseMode)
    {
        var compiler = new ExpressionCompiler();
        var context = new ExpressionContext(["Name"], [], []);
        var chat = compiler.AddTemplate("-1001", context, new SourceLocation("flow.json", 1, 1));
        var message = compiler.AddTemplate(text, context, new SourceLocation("flow.json", 2, 1));
        Assert.Empty(compiler.Compile());
        return new SendMessageStep(chat, message, TestTelegram.Sender(_client, parseMode));
    }

    private static ItemScope Scope() => new(
        new SourceRow(7, new Dictionary<string, string> { ["Name"] = Name }),
        new RunInfo("alerts", "run-1", DateTimeOffset.UnixEpoch, "https://runs/1"));
}
