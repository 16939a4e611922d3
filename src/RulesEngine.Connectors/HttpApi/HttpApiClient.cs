using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Polly;
using Polly.Timeout;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// Sends requests below one API's base URL with the connection's credentials, through <see cref="ServiceResilience"/>:
/// no answer, 408, 429 and 5xx are retried with backoff honouring Retry-After, each attempt times out, requests are
/// paced. A request that is not idempotent (POST, PATCH) is retried only when the server certainly did nothing (a
/// refused connection, 429), so a retry never repeats its effect. Redirects are not followed: a credential is sent
/// to this API's host and nowhere else. Any HTTP answer comes back as an <see cref="HttpAnswer"/> (the step's success
/// rule judges it); no answer at all throws <see cref="HttpApiException"/>.
/// </summary>
public sealed class HttpApiClient : IDisposable
{
    /// <summary>The most of an answer's body that is read; the rest is dropped (and the answer marked truncated).</summary>
    public const int MaxBodyBytes = 1 << 20;

    private readonly RateLimiter? _pacing;
    private readonly HttpServicePipelines<HttpAnswer> _calls;

    /// <param name="handler">Optional transport (tests); a pooled socket handler by default.</param>
    public HttpApiClient(HttpApiOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        if (options.Retry.RequestsPerMinute > 0) _pacing = ServiceResilience.PerMinute(options.Retry.RequestsPerMinute);
        // Redirects are not followed: the credentials go to this API's host and nowhere else.
        _calls = new HttpServicePipelines<HttpAnswer>("http", options.Retry, handler, timeProvider,
            outcome => outcome.Exception is HttpRequestException or TimeoutRejectedException or IOException || outcome.Result is { IsTransient: true },
            outcome => outcome.Exception is { } e ? ServiceResilience.NeverConnected(e) : outcome.Result is { Status: 429 },
            outcome => outcome.Result?.RetryAfter, _pacing, followRedirects: false);
    }

    public HttpApiOptions Options { get; }

    /// <summary>
    /// Sends <paramref name="request"/> and returns the last answer, whatever its status. Reports each attempt to
    /// <see cref="StepCall.Current"/> and starts no new attempt, pacing wait or retry wait once the run is stopping.
    /// </summary>
    /// <param name="isSuccess">The step's success rule: a status it accepts is never retried.</param>
    /// <exception cref="HttpApiException">No answer after every attempt, or the request cannot be made.</exception>
    public async Task<HttpAnswer> SendAsync(HttpCall request, Func<int, bool> isSuccess, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = StepCall.Current;
        var attempts = 0;
        var mayHaveActed = false;
        object? last = null; // the last attempt's answer or failure
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Stopping);
        try
        {
            var answer = await _calls.Retry(request.IsIdempotent).ExecuteAsync(async _ =>
            {
                attempts++;
                call.AttemptStarting();
                try
                {
                    var answer = await _calls.AttemptTimeout.ExecuteAsync(async token => await SendOnceAsync(request, isSuccess, token).ConfigureAwait(false), cancellationToken)
                        .ConfigureAwait(false);
                    // A 4xx says the server did not do it; a success or a 5xx may come after the work was done.
                    if (answer.Status is < 400 or >= 500 or 408)
                    {
                        mayHaveActed = true;
                        call.EffectPossible();
                    }
                    last = answer;
                    return answer;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    last = e;
                    // A request that could not be made (HttpApiException) or never connected did nothing.
                    if (e is not HttpApiException && !ServiceResilience.NeverConnected(e))
                    {
                        mayHaveActed = true;
                        call.EffectPossible();
                    }
                    throw;
                }
            }, waits.Token).ConfigureAwait(false);
            return answer with { Attempts = attempts, MayHaveActed = mayHaveActed };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && call.IsStopping)
        {
            // Stopped during a wait: what the last attempt got stands; with none, nothing was sent.
            return last switch
            {
                HttpAnswer answer => answer with { Attempts = attempts, MayHaveActed = mayHaveActed, Note = StepCall.NotRetriedNote },
                Exception e => throw Unreachable(request, e, attempts, mayHaveActed, StepCall.NotRetriedNote),
                _ => throw new HttpApiException($"{request.Method} {ShownUrl(request)} not called: {StepCall.StoppingReason}", transient: true),
            };
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException or IOException)
        {
            throw Unreachable(request, e, attempts, mayHaveActed, "");
        }
    }

    /// <summary>What <see cref="SendAsync"/> would send, credentials masked; no request is made.</summary>
    public RequestPreview Preview(HttpCall request)
    {
        var text = new StringBuilder();
        foreach (var (name, _) in CredentialHeaders()) text.Append(name).Append(": ").AppendLine(SecretRedactor.Mask);
        foreach (var (name, value) in request.Headers) text.Append(name).Append(": ").AppendLine(value);
        if (request.JsonBody is not null) text.AppendLine().Append(request.JsonBody);
        return new RequestPreview(request.Method.Method, ShownUrl(request), SecretRedactor.Redact(text.ToString().TrimEnd()));
    }

    /// <summary>The URL as it may be shown (secrets masked).</summary>
    public string ShownUrl(HttpCall request) => SecretRedactor.Redact(Options.BaseUrl + request.RelativeUrl);

    /// <summary><c>rulesengine connections test</c>: GET the base URL. Any answer but 401/403 shows the server is there
    /// and did not refuse the credentials.</summary>
    public async Task<string> SelfTestAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(new HttpCall(HttpMethod.Get, "", [], null), status => status < 500, cancellationToken)
            .ConfigureAwait(false);
        if (answer.Status is 401 or 403)
            throw new HttpApiException($"{Options.BaseUrl} refused the credentials: {answer.Describe()}", transient: false);
        return $"{Options.BaseUrl} answered {answer.Describe()}";
    }

    public void Dispose()
    {
        _calls.Dispose();
        _pacing?.Dispose();
    }

    private async Task<HttpAnswer> SendOnceAsync(HttpCall request, Func<int, bool> isSuccess, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, Options.BaseUrl + request.RelativeUrl);
        message.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in CredentialHeaders()) message.Headers.TryAddWithoutValidation(name, value);
        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
                throw new HttpApiException($"header \"{name}\" cannot be sent", transient: false);
        }
        if (request.JsonBody is not null) message.Content = new StringContent(request.JsonBody, Encoding.UTF8, "application/json");
        using var response = await _calls.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var (body, truncated) = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        return new HttpAnswer(status, response.ReasonPhrase ?? "", body, truncated)
        {
            IsTransient = !isSuccess(status) && status is 408 or 429 or >= 500,
            RetryAfter = ServiceResilience.RetryAfter(response, _calls.Time),
        };
    }

    private static async Task<(string Body, bool Truncated)> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBodyBytes + 1];
        var read = 0;
        for (int n; read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0;) read += n;
        var truncated = read > MaxBodyBytes;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(read, MaxBodyBytes)), truncated);
    }

    private IEnumerable<(string Name, string Value)> CredentialHeaders()
    {
        if (Options.Authorization is { } authorization) yield return ("Authorization", authorization);
        if (Options is { ApiKeyHeader: { } header, ApiKey: { } key }) yield return (header, key);
    }

    private HttpApiException Unreachable(HttpCall request, Exception e, int attempts, bool mayHaveActed, string note)
    {
        var what = e is TimeoutRejectedException
            ? $"no answer within {Options.Retry.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"could not reach the server: {Describe(e)}";
        var tries = attempts <= 1 ? "1 attempt" : $"gave up after {attempts} attempts";
        return new HttpApiException($"{request.Method} {ShownUrl(request)}: {what} ({tries}){note}", transient: true, e) { MayHaveActed = mayHaveActed };
    }

    /// <summary>The connection was never made (refused, no route, name not found): the request was not sent.</summary>
    // HttpRequestException often says only "An error occurred while sending the request"; the cause is inside.
    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;
}
