using MimeKit;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// Reads the address fields people write: one address or several separated by commas or semicolons, each either
/// bare (<c>ops@example.com</c>) or with a name (<c>Ops Team &lt;ops@example.com&gt;</c>). Strict: an address
/// needs a local part, an <c>@</c> and a domain, so a typo fails the item before anything is sent instead of
/// bouncing later.
/// </summary>
internal static class EmailAddresses
{
    private static readonly ParserOptions Strict = new()
    {
        AllowAddressesWithoutDomain = false,
        AddressParserComplianceMode = RfcComplianceMode.Strict,
        AllowUnquotedCommasInAddresses = false,
    };

    /// <summary>Every mailbox in <paramref name="text"/>; an empty text is an empty list.</summary>
    public static bool TryParseList(string text, out List<MailboxAddress> mailboxes, out string error)
    {
        mailboxes = [];
        error = "";
        foreach (var part in Split(text))
        {
            if (!TryParseMailbox(part, out var mailbox, out error)) return false;
            mailboxes.Add(mailbox);
        }
        return true;
    }

    public static bool TryParseMailbox(string text, out MailboxAddress mailbox, out string error)
    {
        mailbox = null!;
        var value = text.Trim();
        if (value.Length == 0)
        {
            error = "the address is empty";
            return false;
        }
        if (MailboxAddress.TryParse(Strict, value, out var parsed) && IsComplete(parsed.Address))
        {
            mailbox = parsed;
            error = "";
            return true;
        }
        error = $"'{Shorten(value)}' is not an e-mail address (expected name@example.com or Name <name@example.com>)";
        return false;
    }

    /// <summary>Splits at commas and semicolons (an Outlook habit) outside quoted names, so
    /// <c>"Doe, Jane" &lt;jane@example.com&gt;</c> stays one address.</summary>
    private static IEnumerable<string> Split(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '"' && (i == 0 || text[i - 1] != '\\')) quoted = !quoted;
            if (i < text.Length && (quoted || text[i] is not (',' or ';'))) continue;
            var part = text[start..i].Trim();
            if (part.Length > 0) yield return part;
            start = i + 1;
        }
    }

    private static bool IsComplete(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && !address.Contains(' ', StringComparison.Ordinal);
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
