using MailKit.Net.Smtp;

namespace RulesEngine.Connectors.Email;

/// <summary>The <c>"email"</c> connection's self-test, beside the client whose retries, timeout and error texts it uses.</summary>
public sealed partial class EmailClient
{
    /// <summary>
    /// Connects, negotiates the configured security and signs in (when the connection has an account), then says
    /// QUIT: no message is sent. Returns the server's name and what it offers.
    /// </summary>
    /// <exception cref="EmailException">The server refused the sign-in or TLS, or gave no usable answer.</exception>
    public async Task<string> CheckSignInAsync(CancellationToken cancellationToken = default)
    {
        var attempts = 0;
        try
        {
            return await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                return await _timeout.ExecuteAsync(async t =>
                {
                    using var smtp = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, Options.Retry.Timeout.TotalMilliseconds) };
                    await smtp.ConnectAsync(Options.Host, Options.EffectivePort, SocketOptions(Options.Security), t).ConfigureAwait(false);
                    var signedIn = !string.IsNullOrEmpty(Options.Username);
                    if (signedIn) await smtp.AuthenticateAsync(Options.Username!, Options.Password ?? "", t).ConfigureAwait(false);
                    await smtp.DisconnectAsync(quit: true, t).ConfigureAwait(false);
                    return $"{Server} answered" + (signedIn ? $" and accepted the sign-in as '{Options.Username}'" : " (no sign-in configured)");
                }, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not EmailException && IsKnown(e))
        {
            throw Translate(e, attempts, mayHaveBeenSent: false, stopping: false); // a self-test sends no message
        }
    }
}
