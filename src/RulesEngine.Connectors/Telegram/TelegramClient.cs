using System.Globalization;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;
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
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan }
            : null;
        // RetryThreshold = 0 turns off Telegram.Bot's built-in 429 sleep-and-retry; the pipeline below owns retries.
        var botOptions = new TelegramBotClientOptions(options.BotToken, baseUrl) { RetryThreshold = 0 };
        _bot = new TelegramBotClient(botOptions, httpClient ?? _ownedHttpClient);

        _timeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Timeout).Build();
        _retry = options.MaxAttempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && ShouldRetry(e)),
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(Math.Max(30, options.RetryDelay.TotalSeconds)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
            }).Build();
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
    public async Task<Message> SendMessageAsync(string chatId, string text, ParseMode parseMode = ParseMode.None,
        bool disableLinkPreview = false, CancellationToken cancellationToken = default)
    {
        if (!TelegramChatId.TryParse(chatId, out var chat, out var error)) throw new TelegramException(error, transient: false);
        var linkPreview = disableLinkPreview ? LinkPreviewOptions.Disabled : null;
        return await ExecuteAsync(chat.ToString(),
            token => _bot.SendMessage(chat, text, parseMode, linkPreviewOptions: linkPreview, cancellationToken: token),
            cancellationToken, repeatable: false).ConfigureAwait(false);
    }

    /// <summary>The bot's own account (<c>getMe</c>): a cheap check that the token and base URL work.</summary>
    public Task<User> GetMeAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync(null, token => _bot.GetMe(token), cancellationToken, repeatable: true);

    /// <summary>The <c>sendMessage</c> request <see cref="SendMessageAsync"/> would make, serialized as Telegram.Bot
    /// serializes it (snake_case, defaults omitted); no request is made.</summary>
    internal RequestPreview PreviewSendMessage(ChatId chat, string text, ParseMode parseMode, bool disableLinkPreview)
    {
        var request = new SendMessageRequest
        {
            ChatId = chat,
            Text = text,
            ParseMode = parseMode,
            LinkPreviewOptions = disableLinkPreview ? LinkPreviewOptions.Disabled : null,
        };
        return new RequestPreview("POST", ShownUrl("sendMessage"), Redact(JsonSerializer.Serialize(request, JsonBotAPI.Options)));
    }

    public void Dispose() => _ownedHttpClient?.Dispose();

    /// <param name="repeatable">False for calls with a side effect (sendMessage): an attempt that may have acted ends
    /// the retries.</param>
    private async Task<T> ExecuteAsync<T>(string? chat, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, bool repeatable)
    {
        var attempts = 0;
        var mayHaveActed = false;
        try
        {
            return await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                // Pacing waits outside the per-try timeout: waiting for a slot is not the service being slow.
                if (chat is not null) await _pacer.WaitTurnAsync(chat, token).ConfigureAwait(false);
                try
                {
                    return await _timeout.ExecuteAsync(async t => await call(t).ConfigureAwait(false), token).ConfigureAwait(false);
                }
                catch (Exception e) when (!token.IsCancellationRequested && MayHaveActed(e))
                {
                    mayHaveActed = true;
                    if (!repeatable) throw new StopRetrying(e);
                    throw;
                }
                finally
                {
                    if (chat is not null) _pacer.Finished(chat);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (StopRetrying stop)
        {
            throw Translate(stop.InnerException!, attempts, mayHaveActed: true);
        }
        catch (Exception e) when (e is not TelegramException)
        {
            throw Translate(e, attempts, mayHaveActed);
        }
    }

    /// <summary>Ended without a Bot API answer after the request may have gone out. The Bot API answering (even
    /// 429 or 5xx in its JSON envelope) means it did not send; never connecting means nothing was sent.</summary>
    private static bool MayHaveActed(Exception e) => e switch
    {
        ApiRequestException => false,
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

    private bool ShouldRetry(Exception e) => e is not StopRetrying && IsTransient(e) && !RetryAfterTooLong(e);

    private bool RetryAfterTooLong(Exception e) =>
        e is ApiRequestException { Parameters.RetryAfter: { } seconds } && TimeSpan.FromSeconds(seconds) > _options.MaxRetryAfter;

    private static TimeSpan? RetryAfter(Exception? e) =>
        e is ApiRequestException { ErrorCode: 429, Parameters.RetryAfter: { } seconds } ? TimeSpan.FromSeconds(Math.Max(0, seconds)) : null;

    /// <summary>Transient: no answer or an answer that says "later" (429, 5xx). Other 4xx are Telegram saying no.</summary>
    private static bool IsTransient(Exception e) => e switch
    {
        ApiRequestException api => api.ErrorCode is 429 or >= 500,
        RequestException request => request.HttpStatusCode is null or (System.Net.HttpStatusCode)429 or >= System.Net.HttpStatusCode.InternalServerError,
        TimeoutRejectedException or HttpRequestException => true,
        _ => false,
    };

    private TelegramException Translate(Exception e, int attempts, bool mayHaveActed)
    {
        var text = e switch
        {
            ApiRequestException api => $"Telegram {api.ErrorCode}: {api.Message}",
            TimeoutRejectedException => $"Telegram did not answer within {_options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
            RequestException { HttpStatusCode: { } status } request => $"Telegram {(int)status}: {request.Message}",
            RequestException or HttpRequestException => $"Telegram could not be reached: {e.Message}",
            _ => $"Telegram request failed: {e.GetType().Name}: {e.Message}",
        };
        var transient = IsTransient(e);
        if (RetryAfterTooLong(e))
            text += $" (more than maxRetryAfterSeconds {_options.MaxRetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture)}: not waited for)";
        else if (transient)
            text += $" (gave up after {attempts} attempt{(attempts == 1 ? "" : "s")})";
        var code = e is ApiRequestException a ? a.ErrorCode : (int?)(e as RequestException)?.HttpStatusCode;
        return new TelegramException(Redact(text), transient, code, e, mayHaveActed);
    }

    // SecretRedactor knows tokens read from connection files; a client built in code registers its own above.
    private string Redact(string text) =>
        SecretRedactor.Redact(text).Replace(_options.BotToken, SecretRedactor.Mask, StringComparison.Ordinal);
}
