using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Polly;
using Polly.Timeout;
using RulesEngine.Sdk;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// The Bot API calls the engine makes, over Telegram.Bot with its own 429 retry switched off: this client retries
/// transient failures itself (429 honouring <c>retry_after</c>, 5xx, network errors, timeouts) with exponential
/// backoff and jitter, and paces sends per chat and overall so a burst waits instead of failing. Errors come out as
/// <see cref="TelegramException"/> with the token masked.
/// A message is never sent twice by a retry: once an attempt may have been delivered (timeout, connection lost
/// after the request went out), sendMessage stops retrying and says so (<see cref="TelegramException.MayHaveBeenSent"/>).
/// </summary>
public sealed class TelegramClient : IDisposable
{
    private readonly TelegramOptions _options;
    private readonly TelegramBotClient _bot;
    private readonly HttpClient? _ownedHttpClient;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _timeout;
    private readonly TelegramPacer _pacer;

    /// <summary>The options the client was built with (tests check what a connection read).</summary>
    internal TelegramOptions Options => _options;

    /// <param name="httpClient">Optional; when given, its own timeout also applies and it is not disposed here.</param>
    /// <param name="timeProvider">For pacing, backoff and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    public TelegramClient(TelegramOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Register first, so even a validation message could not leak it.
        SecretRedactor.Register(options.BotToken);
        if (options.Validate() is { } problem) throw new ArgumentException($"invalid Telegram options: {problem}", nameof(options));
        _options = options;
        TelegramOptions.TryNormalizeBaseUrl(options.BaseUrl, out var baseUrl, out _);
        BaseUrl = baseUrl;
        var time = timeProvider ?? TimeProvider.System;

        // Without our own HttpClient, Telegram.Bot's default 100 s timeout would race the configured one.
        _ownedHttpClient = httpClient is null
            ? new HttpClient(ApiRequestMetering.Around("telegram", new AnswerKeeper(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }))) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }
            : null;
        // RetryThreshold = 0 turns off Telegram.Bot's built-in 429 sleep-and-retry; the pipeline below owns retries.
        var botOptions = new TelegramBotClientOptions(options.BotToken, baseUrl) { RetryThreshold = 0 };
        _bot = new TelegramBotClient(botOptions, httpClient ?? _ownedHttpClient);

        _timeout = ServiceResilience.AttemptTimeout(options.Retry.Timeout, time);
        // Only attempts that certainly did not send are retried (see ShouldRetry): before the wait, the journal may say
        // "not sent", so a process killed while waiting sends on the next run. A retry_after above MaxRetryAfter is not
        // waited for at all (ShouldRetry), so the cap never shortens one.
        _retry = ServiceResilience.Retry(options.Retry, time, ShouldRetry, RetryAfter);
        _pacer = new TelegramPacer(options.PerChatInterval, options.MessagesPerSecond, time);
    }

    /// <summary>Scheme and authority the requests go to (what Telegram.Bot keeps of the configured base URL).</summary>
    public string BaseUrl { get; }

    /// <summary>A method's URL as it may be shown: <c>{BaseUrl}/bot***/{method}</c>.</summary>
    public string ShownUrl(string method) => $"{BaseUrl}/bot{SecretRedactor.Mask}/{method}";

    /// <summary>
    /// Sends one message (<paramref name="text"/> up to 4096 characters; splitting longer text is the caller's
    /// choice). <paramref name="chatId"/> is a numeric id or <c>@username</c>; anything else is a permanent
    /// <see cref="TelegramException"/> without a request.
    /// </summary>
    /// <exception cref="TelegramException">Telegram answered no, or gave no usable answer after every attempt.</exception>
    public async Task<SentMessage> SendMessageAsync(string chatId, string text, ParseMode parseMode = ParseMode.None,
        bool disableLinkPreview = false, CancellationToken cancellationToken = default)
    {
        if (!TelegramChatId.TryParse(chatId, out var chat, out var error)) throw new TelegramException(error, transient: false);
        var request = SendText(chat, text, parseMode, disableLinkPreview);
        return await ExecuteAsync(chat.ToString(),
            token => _bot.SendRequest(request, token),
            cancellationToken, repeatable: false,
            // The documented answer is {"ok":true,"result":Message}; a message needs a positive message_id.
            check: message => message is null ? "no \"result\"" : message.Id <= 0 ? "no usable \"message_id\" in \"result\"" : null).ConfigureAwait(false);
    }

    /// <summary>The bot's own account (<c>getMe</c>): a cheap check that the token and base URL work.</summary>
    public Task<User> GetMeAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(null, token => _bot.GetMe(token), cancellationToken, repeatable: true,
            check: user => user is null ? "no \"result\"" : user.Id <= 0 ? "no usable \"id\" in \"result\"" : null);

    /// <summary>The <c>sendMessage</c> request <see cref="SendMessageAsync"/> would make, serialized as Telegram.Bot
    /// serializes it (snake_case, defaults omitted); no request is made.</summary>
    internal RequestPreview PreviewSendMessage(ChatId chat, string text, ParseMode parseMode, bool disableLinkPreview)
    {
        var request = SendText(chat, text, parseMode, disableLinkPreview);
        return new RequestPreview("POST", ShownUrl(request.MethodName), Redact(JsonSerializer.Serialize(request, JsonBotAPI.Options)));
    }

    private static SendTextRequest SendText(ChatId chat, string text, ParseMode parseMode, bool disableLinkPreview) => new()
    {
        ChatId = chat,
        Text = text,
        ParseMode = parseMode,
        LinkPreviewOptions = disableLinkPreview ? LinkPreviewOptions.Disabled : null,
    };

    public void Dispose() => _ownedHttpClient?.Dispose();

    /// <param name="repeatable">False for calls with a side effect (sendMessage): an attempt that may have acted ends
    /// the retries.</param>
    /// <param name="check">What is wrong with a result Telegram.Bot accepted (null: nothing): such an answer is not
    /// the documented one and is treated like no answer.</param>
    /// <remarks>Reports each attempt to <see cref="StepCall.Current"/>, and once the run is stopping starts no new
    /// attempt, pacing wait or retry wait: the last failure then stands.</remarks>
    private async Task<T> ExecuteAsync<T>(string? chat, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool repeatable,
        Func<T, string?> check)
    {
        var step = StepCall.Current;
        var attempts = 0;
        var mayHaveActed = false;
        Exception? lastError = null;
        var answer = new StrongBox<string?>();
        using var keep = AnswerKeeper.Keep(answer);
        // Waits (pacing, backoff) end on a stop as well; the attempt itself only on the caller's token.
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, step.Stopping);
        try
        {
            return await _retry.ExecuteAsync(async waitToken =>
            {
                attempts++;
                // Pacing waits outside the per-try timeout: waiting for a slot is not the service being slow.
                if (chat is not null) await _pacer.WaitTurnAsync(chat, waitToken).ConfigureAwait(false);
                step.AttemptStarting();
                try
                {
                    var result = await _timeout.ExecuteAsync(async t => await call(t).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    if (check(result) is { } problem) throw new MalformedAnswer(problem, answer.Value);
                    return result;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && MayHaveActed(e))
                {
                    (lastError, mayHaveActed) = (e, true);
                    step.EffectPossible();
                    if (!repeatable) throw new StopRetrying(e);
                    throw;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = e;
                    throw;
                }
                finally
                {
                    if (chat is not null) _pacer.Finished(chat);
                }
            }, waits.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (step.IsStopping)
        {
            // Stopped during a wait: no new attempt. The last attempt's failure stands; with none, nothing was sent.
            if (lastError is not null) throw Translate(lastError, attempts, mayHaveActed, answer.Value, stopping: true);
            throw new TelegramException($"Telegram not called: {StepCall.StoppingReason}", transient: true);
        }
        catch (StopRetrying stop)
        {
            throw Translate(stop.InnerException!, attempts, mayHaveActed: true, answer.Value, step.IsStopping);
        }
        catch (Exception e) when (e is not TelegramException)
        {
            throw Translate(e, attempts, mayHaveActed, answer.Value, step.IsStopping);
        }
    }

    /// <summary>Ended without a Bot API answer after the request may have gone out. The Bot API answering (even
    /// 429 or 5xx in its JSON envelope) means it did not send; never connecting means nothing was sent.</summary>
    private static bool MayHaveActed(Exception e) => e switch
    {
        ApiRequestException => false,
        MalformedAnswer => true,
        // A 429 whose body could not be read is still "too many requests": nothing was sent.
        RequestException { HttpStatusCode: (System.Net.HttpStatusCode)429 } => false,
        TimeoutRejectedException => true,
        RequestException { HttpStatusCode: { } } => true,
        _ when Inner<HttpRequestException>(e) is { } http => http.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError),
        _ => true,
    };

    private static T? Inner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    /// <summary>Ends the retries of a send after an attempt that may have been delivered; never leaves this class.</summary>
    private sealed class StopRetrying(Exception cause) : Exception(cause.Message, cause);

    /// <summary>A success answer (200) that is not the documented <c>{"ok":true,"result":…}</c>; never leaves this class.</summary>
    private sealed class MalformedAnswer(string problem, string? body) : Exception(problem)
    {
        public string? Body { get; } = body;
    }

    /// <summary>
    /// Keeps the body of the last answer of the calls made under <see cref="Keep"/>, so an answer Telegram.Bot could
    /// not read can be quoted in the error (the library only says that it could not). Buffering is cheap: Bot API
    /// answers are small.
    /// </summary>
    private sealed class AnswerKeeper(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private static readonly AsyncLocal<StrongBox<string?>?> Current = new();

        public static IDisposable Keep(StrongBox<string?> box)
        {
            Current.Value = box;
            return new Forget();
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (Current.Value is { } box)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                box.Value = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            return response;
        }

        private sealed class Forget : IDisposable
        {
            public void Dispose() => Current.Value = null;
        }
    }

    // Once the run is stopping, no new attempt starts.
    private bool ShouldRetry(Exception e) => e is not StopRetrying && IsTransient(e) && !RetryAfterTooLong(e);

    private bool RetryAfterTooLong(Exception e) =>
        e is ApiRequestException { Parameters.RetryAfter: { } seconds } && TimeSpan.FromSeconds(seconds) > _options.Retry.MaxRetryAfter;

    private static TimeSpan? RetryAfter(Exception? e) =>
        e is ApiRequestException { ErrorCode: 429, Parameters.RetryAfter: { } seconds } ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : null;

    /// <summary>Transient: no answer or an answer that says "later" (429, 5xx). Other 4xx are Telegram saying no.
    /// A success status with an answer that is not the Bot API's is the service misbehaving: transient too.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        ApiRequestException api => api.ErrorCode is 429 or >= 500,
        MalformedAnswer => true,
        RequestException request => request.HttpStatusCode is null or (System.Net.HttpStatusCode)429 or >= System.Net.HttpStatusCode.InternalServerError
            || IsSuccess(request.HttpStatusCode),
        TimeoutRejectedException or HttpRequestException => true,
        _ => false,
    };

    private static bool IsSuccess(System.Net.HttpStatusCode? status) => status is >= System.Net.HttpStatusCode.OK and < System.Net.HttpStatusCode.Ambiguous;

    private TelegramException Translate(Exception e, int attempts, bool mayHaveActed, string? answer, bool stopping)
    {
        var text = e switch
        {
            MalformedAnswer malformed => Malformed(200, malformed.Message, malformed.Body ?? answer),
            RequestException { HttpStatusCode: var status } request when IsSuccess(status) => Malformed((int)status!.Value, request.Message, answer),
            ApiRequestException api => $"Telegram {api.ErrorCode}: {api.Message}",
            TimeoutRejectedException => $"Telegram did not answer within {_options.Retry.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
            RequestException { HttpStatusCode: { } status } request => $"Telegram {(int)status}: {request.Message}",
            RequestException or HttpRequestException => $"Telegram could not be reached: {e.Message}",
            _ => $"Telegram request failed: {e.GetType().Name}: {e.Message}",
        };
        var transient = IsTransient(e);
        if (RetryAfterTooLong(e))
            text += $" (more than maxRetryAfterSeconds {_options.Retry.MaxRetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)}: not waited for)";
        else if (transient && e is not MalformedAnswer && !(e is RequestException r && IsSuccess(r.HttpStatusCode)))
            text += $" (gave up after {attempts} attempt{(attempts == 1 ? "" : "s")}){(stopping ? StepCall.NotRetriedNote : "")}";
        var code = e is ApiRequestException a ? a.ErrorCode : (int?)(e as RequestException)?.HttpStatusCode;
        return new TelegramException(Redact(text), transient, code, e, mayHaveActed);
    }

    private static string Malformed(int status, string what, string? answer) =>
        $"Telegram answered {status} with something that is not the Bot API's answer ({what.TrimEnd('.')}; the service misbehaved, " +
        $"so delivery is unknown): {Quote(answer)}";

    /// <summary>What came back, as it may be shown: at most 200 characters, on one line (the token is masked by the caller).</summary>
    private static string Quote(string? body)
    {
        if (body is null) return "(the answer was not kept)";
        var text = body.Length > 200 ? body[..200] + "…" : body;
        text = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return text.Length == 0 ? "(empty)" : "'" + text + "'";
    }

    // SecretRedactor knows tokens read from connection files; a client built in code registers its own above.
    private string Redact(string text) =>
        SecretRedactor.Redact(text).Replace(_options.BotToken, SecretRedactor.Mask, StringComparison.Ordinal);
}
