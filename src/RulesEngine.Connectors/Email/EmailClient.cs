using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Polly;
using Polly.Timeout;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// Sends messages through one SMTP server with MailKit. Each message is one SMTP session (connect, STARTTLS or
/// TLS as configured, sign in, send, QUIT): alerts are few, and a fresh session never trips over a connection the
/// server closed while idle. Transient failures (4xx replies, refused or dropped connections, timeouts) are retried
/// with exponential backoff and jitter; everything else fails at once. Errors come out as
/// <see cref="EmailException"/> with the password masked.
/// </summary>
public sealed partial class EmailClient
{
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _timeout;

    /// <param name="timeProvider">For backoff and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    public EmailClient(EmailOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Password is { } password) SecretRedactor.Register(password);
        if (options.Validate() is { } problem) throw new ArgumentException($"invalid e-mail options: {problem}", nameof(options));
        Options = options;
        var time = timeProvider ?? TimeProvider.System;
        _timeout = ServiceResilience.AttemptTimeout(options.Retry.Timeout, time);
        // Only refusals (a 4xx reply, a failure before the data went out) and, at-least-once, uncertain sends reach the
        // retry: an uncertain at-most-once send leaves it as StopRetrying.
        _retry = ServiceResilience.Retry(options.Retry, time,
            e => e is not StopRetrying && IsTransient(e));
    }

    public EmailOptions Options { get; }

    /// <summary>The server as it may be shown: <c>smtp.gmail.com:587 (startTls)</c>.</summary>
    public string Server => $"{Options.Host}:{Options.EffectivePort.ToString(CultureInfo.InvariantCulture)} ({SecurityName(Options.Security)})";

    /// <summary>
    /// Sends <paramref name="message"/> to every To, Cc and Bcc address and returns the server's final reply
    /// (e.g. <c>2.0.0 OK queued as …</c>).
    /// </summary>
    /// <exception cref="EmailException">The server refused the message, or gave no usable answer after every attempt.</exception>
    /// <param name="repeatUncertain">False (at-most-once): an attempt that may have delivered the message ends the
    /// retries, and the exception says <see cref="EmailException.MayHaveBeenSent"/>.</param>
    public async Task<string> SendAsync(MimeMessage message, CancellationToken cancellationToken = default, bool repeatUncertain = true)
    {
        ArgumentNullException.ThrowIfNull(message);
        var step = StepCall.Current;
        var attempts = 0;
        var mayHaveBeenSent = false;
        Exception? lastError = null;
        // Waits (backoff) end on a stop as well; the attempt itself only on the caller's token.
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, step.Stopping);
        try
        {
            return await _retry.ExecuteAsync(async _ =>
            {
                attempts++;
                step.AttemptStarting();
                var dataSent = new StrongBox<bool>();
                try
                {
                    return await _timeout.ExecuteAsync(async t => await MeteredSendOnceAsync(message, dataSent, t).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = e;
                    // A reply (even 4xx) means the server did not take the message; so does a failure before DATA.
                    if (dataSent.Value && !IsReply(e))
                    {
                        mayHaveBeenSent = true;
                        step.EffectPossible();
                        if (!repeatUncertain) throw new StopRetrying(e);
                    }
                    throw;
                }
            }, waits.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (step.IsStopping)
        {
            if (lastError is not null) throw Translate(lastError, attempts, mayHaveBeenSent, stopping: true);
            throw new EmailException($"SMTP server {Server} not called: {StepCall.StoppingReason}", transient: true);
        }
        catch (StopRetrying stop)
        {
            throw Translate(stop.InnerException!, attempts, mayHaveBeenSent: true, step.IsStopping);
        }
        catch (Exception e) when (e is not EmailException && IsKnown(e))
        {
            throw Translate(e, attempts, mayHaveBeenSent, step.IsStopping);
        }
    }

    /// <summary>Ends the retries after an attempt that may have delivered the message; never leaves this class.</summary>
    private sealed class StopRetrying(Exception cause) : Exception(cause.Message, cause);

    private async Task<string> SendOnceAsync(MimeMessage message, StrongBox<bool> dataSent, CancellationToken cancellationToken)
    {
        // Once a recipient is accepted, DATA follows: from then a lost connection may come after the server took the
        // message (its final reply lost).
        using var smtp = new TrackingSmtpClient(dataSent) { Timeout = (int)Math.Min(int.MaxValue, Options.Retry.Timeout.TotalMilliseconds) };
        await smtp.ConnectAsync(Options.Host, Options.EffectivePort, SocketOptions(Options.Security), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(Options.Username))
            await smtp.AuthenticateAsync(Options.Username, Options.Password ?? "", cancellationToken).ConfigureAwait(false);
        var reply = await smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
        try
        {
            await smtp.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ProtocolException or OperationCanceledException)
        {
            // The server has accepted the message: a failed QUIT must not make it look unsent (and be sent again).
        }
        return reply;
    }

    /// <summary>Notes when a recipient was accepted: the next thing the client sends is the message.</summary>
    private sealed class TrackingSmtpClient(StrongBox<bool> dataMayGoOut) : SmtpClient
    {
        protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            dataMayGoOut.Value = true;
            base.OnRecipientAccepted(message, mailbox, response);
        }
    }

    /// <summary>A well-formed SMTP reply (a code from 200 to 599): the server answered, so it did not take the message
    /// unless it said so. A code out of that range is no reply at all (a malformed answer).</summary>
    private static bool IsReply(Exception e) => e is SmtpCommandException { StatusCode: var code } && (int)code is >= 200 and < 600;

    private static SecureSocketOptions SocketOptions(EmailSecurity security) => security switch
    {
        EmailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        EmailSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    internal static string SecurityName(EmailSecurity security) => EmailOptions.SecurityNames[(int)security];

    /// <summary>Transient: an answer that says "later" (4xx) or no answer at all. 5xx replies, refused sign-ins and
    /// TLS or capability mismatches are final: trying again cannot change them.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        // A code out of the SMTP range is a malformed answer: the server misbehaved, as transient as no answer.
        SmtpCommandException command => (int)command.StatusCode is (>= 400 and < 500) or < 200 or >= 600,
        // MailKit keeps a refused sign-in's reply only as text ("454: 4.7.0 ..."); a 4xx (e.g. Gmail's 454 "too many
        // login attempts") says "later". Anything else is the password being wrong.
        AuthenticationException auth => auth.Message.TrimStart().StartsWith('4'),
        SslHandshakeException or NotSupportedException => false,
        SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutRejectedException or TimeoutException => true,
        OperationCanceledException => true, // a MailKit operation timeout; the caller's own cancellation is rethrown first
        _ => false,
    };

    private static bool IsKnown(Exception e) =>
        e is SmtpCommandException or AuthenticationException or SslHandshakeException or NotSupportedException or ProtocolException
            or ServiceNotConnectedException or IOException or SocketException or TimeoutRejectedException or TimeoutException or OperationCanceledException;

    private EmailException Translate(Exception e, int attempts, bool mayHaveBeenSent, bool stopping)
    {
        var text = e switch
        {
            SmtpCommandException command => $"SMTP {(int)command.StatusCode}{What(command)}: {command.Message}",
            AuthenticationException when IsTransient(e) => $"SMTP sign-in as '{Options.Username}' refused for now by {Server}: {e.Message}",
            AuthenticationException => $"SMTP sign-in as '{Options.Username}' refused by {Server}: {e.Message} — for Gmail, sign in with an " +
                "app password (Google Account → Security → 2-Step Verification → App passwords), not the account password",
            SslHandshakeException => $"TLS with {Server} failed: {FirstLine(e.Message)} — check \"security\" and \"port\": " +
                "startTls goes with 587, sslOnConnect with 465",
            NotSupportedException => $"{Server}: {e.Message} — check \"security\" (startTls needs a server that offers STARTTLS) " +
                "and whether the server needs a sign-in",
            TimeoutRejectedException or TimeoutException or OperationCanceledException =>
                $"SMTP server {Server} did not answer within {Options.Retry.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s",
            _ => $"SMTP server {Server} could not be reached or dropped the connection: {e.Message}",
        };
        var transient = IsTransient(e);
        if (transient) text += $" (gave up after {attempts} attempt{(attempts == 1 ? "" : "s")}){(stopping ? StepCall.NotRetriedNote : "")}";
        var code = e is SmtpCommandException c ? (int)c.StatusCode : (int?)null;
        return new EmailException(text, transient, code, e) { MayHaveBeenSent = mayHaveBeenSent };
    }

    private static string What(SmtpCommandException e) => e.ErrorCode switch
    {
        SmtpErrorCode.RecipientNotAccepted => $" (recipient {e.Mailbox?.Address} not accepted)",
        SmtpErrorCode.SenderNotAccepted => $" (sender {e.Mailbox?.Address} not accepted)",
        SmtpErrorCode.MessageNotAccepted => " (message not accepted)",
        _ => "",
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
