using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace RulesEngine.Connectors.Email.Emulator;

/// <summary>
/// A loopback SMTP server for tests and demos. It speaks the part of SMTP a sending client uses: EHLO/HELO,
/// AUTH PLAIN and AUTH LOGIN (required before MAIL when credentials are configured), MAIL FROM, RCPT TO, DATA with
/// dot-unstuffing, RSET, NOOP and QUIT; STARTTLS is not offered, so clients connect with security "none". Accepted
/// messages are kept as <see cref="ReceivedEmail"/>. Faults (<see cref="FailNext"/>) answer a stage with a reply code,
/// close the connection instead of answering, or answer late; <see cref="RejectRecipient"/> refuses an address for good.
/// </summary>
public sealed partial class SmtpEmulator : IAsyncDisposable
{
    private const string Domain = "smtp.emulator.local";
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly List<ReceivedEmail> _messages = [];
    private readonly List<string> _commands = [];
    private readonly List<SmtpFault> _faults = [];
    private readonly Dictionary<string, (int Code, string Text)> _rejected = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _sessions = [];
    private readonly string? _username;
    private readonly string? _password;
    private readonly Task _acceptLoop;
    private int _sessionCount;
    private int _nextQueueId = 1000;

    private SmtpEmulator(string? username, string? password)
    {
        _username = username;
        _password = password;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    /// <summary>Starts a server on 127.0.0.1 and a free port. With <paramref name="username"/> and
    /// <paramref name="password"/>, clients must sign in with exactly those before MAIL FROM.</summary>
    public static SmtpEmulator Start(string? username = null, string? password = null) => new(username, password);

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>Messages accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedEmail> Messages
    {
        get { lock (_gate) return [.. _messages]; }
    }

    /// <summary>Every command line received (AUTH credentials masked), for assertions on the conversation.</summary>
    public IReadOnlyList<string> Commands
    {
        get { lock (_gate) return [.. _commands]; }
    }

    /// <summary>How many connections clients opened.</summary>
    public int Sessions => Volatile.Read(ref _sessionCount);

    /// <summary>Injects <paramref name="fault"/> into the next session that reaches its stage.</summary>
    public void FailNext(SmtpFault fault)
    {
        lock (_gate) _faults.Add(fault);
    }

    /// <summary>Answers RCPT TO for <paramref name="address"/> with <paramref name="code"/> from now on.</summary>
    public void RejectRecipient(string address, int code = 550, string text = "5.1.1 The email account that you tried to reach does not exist")
    {
        lock (_gate) _rejected[address] = (code, text);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Task[] sessions;
        lock (_gate) sessions = [.. _sessions, _acceptLoop];
        await Task.WhenAny(Task.WhenAll(sessions), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _sessionCount);
            lock (_gate) _sessions.Add(ServeAsync(tcp));
        }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        using (tcp)
        {
            try
            {
                await new Session(this, tcp.GetStream()).RunAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away, or the emulator is stopping: nothing to record.
            }
        }
    }

    private SmtpFault? TakeFault(SmtpStage stage)
    {
        lock (_gate)
        {
            var index = _faults.FindIndex(f => f.Stage == stage);
            if (index < 0) return null;
            var fault = _faults[index];
            _faults.RemoveAt(index);
            return fault;
        }
    }

    private void Record(string command)
    {
        lock (_gate) _commands.Add(command);
    }

    private string Accept(string mailFrom, List<string> recipients, string? user, string data)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(data)));
        lock (_gate)
        {
            _messages.Add(new ReceivedEmail(mailFrom, [.. recipients], user, data, message));
            return "Q" + _nextQueueId++;
        }
    }

    private (int Code, string Text)? Rejection(string address)
    {
        lock (_gate) return _rejected.TryGetValue(address, out var rejection) ? rejection : null;
    }

    [GeneratedRegex(@"^(MAIL\s+FROM|RCPT\s+TO)\s*:\s*<(?<address>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex Envelope();

    /// <summary>One client connection: the SMTP state machine.</summary>
    private sealed class Session(SmtpEmulator server, NetworkStream stream)
    {
        private readonly StreamReader _reader = new(stream, Encoding.Latin1, detectEncodingFromByteOrderMarks: false);
        private readonly List<string> _recipients = [];
        private string? _mailFrom;
        private string? _user;

        public async Task RunAsync(CancellationToken stop)
        {
            if (await FaultAsync(SmtpStage.Greeting, stop) is not Step.Continue) return;
            await ReplyAsync(220, $"{Domain} ESMTP RulesEngine emulator ready", stop);
            while (await _reader.ReadLineAsync(stop) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                server.Record(verb == "AUTH" ? string.Join(' ', line.Split(' ').Take(2)) + " ***" : line);
                var next = verb switch
                {
                    "EHLO" => await EhloAsync(stop),
                    "HELO" => await ReplyAsync(250, Domain, stop),
                    "AUTH" => await AuthAsync(line, stop),
                    "MAIL" => await MailAsync(line, stop),
                    "RCPT" => await RcptAsync(line, stop),
                    "DATA" => await DataAsync(stop),
                    "RSET" => Reset(await ReplyAsync(250, "2.0.0 OK", stop)),
                    "NOOP" => await ReplyAsync(250, "2.0.0 OK", stop),
                    "QUIT" => await QuitAsync(stop),
                    "STARTTLS" => await ReplyAsync(454, "4.7.0 TLS not available", stop),
                    _ => await ReplyAsync(502, "5.5.2 Command not recognized", stop),
                };
                if (next is Step.Close) return;
            }
        }

        private async Task<Step> EhloAsync(CancellationToken stop)
        {
            await WriteAsync($"250-{Domain} greets you\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 35882577\r\n", stop);
            return Step.Continue;
        }

        private async Task<Step> AuthAsync(string line, CancellationToken stop)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
            string? user, password;
            switch (mechanism)
            {
                case "PLAIN":
                    var plain = parts.Length > 2 ? parts[2] : await ChallengeAsync("", stop);
                    var fields = Decode(plain)?.Split('\0');
                    (user, password) = fields is [_, var u, var p] ? (u, p) : (null, null);
                    break;
                case "LOGIN":
                    user = Decode(parts.Length > 2 ? parts[2] : await ChallengeAsync("VXNlcm5hbWU6", stop));
                    password = Decode(await ChallengeAsync("UGFzc3dvcmQ6", stop));
                    break;
                default:
                    return await ReplyAsync(504, "5.5.4 Unrecognized authentication type", stop);
            }
            if (await FaultAsync(SmtpStage.Auth, stop) is var fault and not Step.Continue) return fault;
            if (user is null || password is null) return await ReplyAsync(501, "5.5.2 Cannot decode the credentials", stop);
            if (server._username is not null && (user != server._username || password != server._password))
                return await ReplyAsync(535, "5.7.8 Username and Password not accepted", stop);
            _user = user;
            return await ReplyAsync(235, "2.7.0 Accepted", stop);
        }

        private async Task<Step> MailAsync(string line, CancellationToken stop)
        {
            var match = Envelope().Match(line);
            if (!match.Success) return await ReplyAsync(501, "5.5.4 Syntax: MAIL FROM:<address>", stop);
            if (server._username is not null && _user is null) return await ReplyAsync(530, "5.7.0 Authentication Required", stop);
            if (await FaultAsync(SmtpStage.MailFrom, stop) is var fault and not Step.Continue) return fault;
            _mailFrom = match.Groups["address"].Value;
            _recipients.Clear();
            return await ReplyAsync(250, "2.1.0 Sender OK", stop);
        }

        private async Task<Step> RcptAsync(string line, CancellationToken stop)
        {
            var match = Envelope().Match(line);
            if (!match.Success) return await ReplyAsync(501, "5.5.4 Syntax: RCPT TO:<address>", stop);
            if (_mailFrom is null) return await ReplyAsync(503, "5.5.1 MAIL first", stop);
            if (await FaultAsync(SmtpStage.RcptTo, stop) is var fault and not Step.Continue) return fault;
            var address = match.Groups["address"].Value;
            if (server.Rejection(address) is { } rejected) return await ReplyAsync(rejected.Code, rejected.Text, stop);
            _recipients.Add(address);
            return await ReplyAsync(250, "2.1.5 Recipient OK", stop);
        }

        private async Task<Step> DataAsync(CancellationToken stop)
        {
            if (_mailFrom is null || _recipients.Count == 0) return await ReplyAsync(503, "5.5.1 RCPT first", stop);
            await ReplyAsync(354, "End data with <CR><LF>.<CR><LF>", stop);
            var data = new StringBuilder();
            while (await _reader.ReadLineAsync(stop) is { } line)
            {
                if (line == ".")
                {
                    if (await FaultAsync(SmtpStage.Data, stop) is var fault and not Step.Continue)
                    {
                        Reset(Step.Continue);
                        return fault;
                    }
                    var id = server.Accept(_mailFrom, _recipients, _user, data.ToString());
                    Reset(Step.Continue);
                    return await ReplyAsync(250, $"2.0.0 OK queued as {id}", stop);
                }
                data.Append(line.StartsWith('.') ? line[1..] : line).Append("\r\n");
            }
            return Step.Close; // the client hung up in the middle of the message
        }

        private async Task<Step> QuitAsync(CancellationToken stop)
        {
            await ReplyAsync(221, "2.0.0 Bye", stop);
            return Step.Close;
        }

        private Step Reset(Step next)
        {
            _mailFrom = null;
            _recipients.Clear();
            return next;
        }

        private async Task<Step> FaultAsync(SmtpStage stage, CancellationToken stop)
        {
            if (server.TakeFault(stage) is not { } fault) return Step.Continue;
            if (fault.Delay > TimeSpan.Zero) await Task.Delay(fault.Delay, stop);
            if (fault.Drop) return Step.Close;
            if (fault.Raw is { } raw)
            {
                await WriteAsync(raw + "\r\n", stop);
                return Step.Close;
            }
            if (fault.ReplyCode == 0) return Step.Continue;
            await ReplyAsync(fault.ReplyCode, fault.Text, stop);
            // 421 means "closing the channel", and a refused greeting leaves nothing to talk about.
            return fault.ReplyCode == 421 || stage == SmtpStage.Greeting ? Step.Close : Step.Replied;
        }

        private async Task<string> ChallengeAsync(string challenge, CancellationToken stop)
        {
            await WriteAsync($"334 {challenge}\r\n", stop);
            return await _reader.ReadLineAsync(stop) ?? "";
        }

        private async Task<Step> ReplyAsync(int code, string text, CancellationToken stop)
        {
            await WriteAsync($"{code} {text}\r\n", stop);
            return Step.Continue;
        }

        private Task WriteAsync(string text, CancellationToken stop) =>
            stream.WriteAsync(Encoding.ASCII.GetBytes(text), stop).AsTask();

        private static string? Decode(string base64)
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(base64.Trim()));
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }

    private enum Step
    {
        Continue,
        Replied,
        Close,
    }
}
