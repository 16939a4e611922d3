using System.Globalization;
using System.Text.RegularExpressions;
using Telegram.Bot.Types;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// The two ways the Bot API names a chat: a numeric id (users positive, groups negative, supergroups and channels
/// <c>-100…</c>) or a public <c>@username</c>. Checked before sending, because Telegram.Bot would throw a bare
/// ArgumentException and the server would only say "chat not found".
/// </summary>
internal static partial class TelegramChatId
{
    public static bool TryParse(string? text, out ChatId chatId, out string error)
    {
        chatId = null!;
        var value = (text ?? "").Trim();
        if (value.Length == 0)
        {
            error = "chat id is empty";
            return false;
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id != 0)
        {
            chatId = new ChatId(id);
            error = "";
            return true;
        }
        if (Username().IsMatch(value))
        {
            chatId = new ChatId(value);
            error = "";
            return true;
        }
        error = $"chat id '{Shorten(value)}' is not a Telegram chat: use a numeric id (e.g. 123456789 or -1001234567890) or a public @username";
        return false;
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    // Telegram usernames are letters, digits and underscores; the length rules differ by era, so only the
    // alphabet is checked and the server has the last word.
    [GeneratedRegex("^@[A-Za-z0-9_]+$")]
    private static partial Regex Username();
}
