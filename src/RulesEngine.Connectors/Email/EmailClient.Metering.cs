using System.Globalization;
using System.Runtime.CompilerServices;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

public sealed partial class EmailClient
{
    /// <summary>The <c>service</c> label of SMTP sessions in <c>rulesengine.api.requests</c>: the connection type.</summary>
    internal const string MeteredService = "email";

    /// <summary>
    /// One SMTP session, counted like an HTTP attempt: by the server's reply code (250 once the message is taken, the
    /// refusing reply's code otherwise) or "error" when no reply came (refused or dropped connection, timeout).
    /// </summary>
    private async Task<string> MeteredSendOnceAsync(MimeMessage message, StrongBox<bool> dataSent, CancellationToken cancellationToken)
    {
        string reply;
        try
        {
            reply = await SendOnceAsync(message, dataSent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ApiRequestMetering.Count(MeteredService, ReplyCode(e));
            throw;
        }
        // MailKit only returns once the server answered the message's data with 250.
        ApiRequestMetering.Count(MeteredService, 250);
        return reply;
    }

    /// <summary>The SMTP reply code an exception carries, or null when the server gave none. MailKit keeps a refused
    /// sign-in's reply only as text ("535: 5.7.8 ..."), so its code is read from there.</summary>
    private static int? ReplyCode(Exception e) => e switch
    {
        SmtpCommandException command => (int)command.StatusCode,
        AuthenticationException auth when auth.Message.Length >= 3
            && int.TryParse(auth.Message.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code) => code,
        _ => null,
    };
}
