using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// The HelpCrunch REST API v1 customer endpoints used by the steps. Every call goes through one pipeline:
/// retry transient failures (429, 5xx, timeouts, refused/reset connections) with exponential backoff and jitter,
/// honouring Retry-After; pace to <see cref="HelpCrunchOptions.RequestsPerMinute"/> (callers wait, they do not
/// fail); time out each attempt. A call that does not succeed throws <see cref="HelpCrunchException"/>.
/// One instance per connection: the pacing is shared by every step that uses it.
/// </summary>
public sealed class HelpCrunchClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly RateLimiter? _limiter;
    private readonly ResiliencePipeline<Attempt> _pipeline;
    private readonly ResiliencePipeline<Attempt> _onceOnlyPipeline;
    private readonly string _baseUrl;

    public HelpCrunchClient(HelpCrunchOptions options, HttpMessageHandler? handler = null)
    {
        options.Validate();
        Options = options;
        _baseUrl = options.BaseUrl.TrimEnd('/');
        // The pipeline owns timeouts (per attempt), so HttpClient's own must never fire first.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (options.RequestsPerMinute > 0)
        {
            _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = options.RequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 12,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
        }
        _pipeline = BuildPipeline(options, _limiter, repeatable: true);
        _onceOnlyPipeline = BuildPipeline(options, _limiter, repeatable: false);
    }

    public HelpCrunchOptions Options { get; }

    /// <summary>
    /// <c>POST /customers/search</c> with one <c>=</c> filter on <c>customers.&lt;field&gt;</c>
    /// (<paramref name="field"/> may already carry the prefix).
    /// </summary>
    public async Task<HelpCrunchSearchResult> SearchAsync(string field, JToken value, int limit, int offset = 0, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SearchRequest(field, value, limit, offset), cancellationToken).ConfigureAwait(false);
        var root = ParseJson(answer);
        // Documented envelope: {"data":[...],"total":N}; a bare array is accepted too.
        var data = root is JArray bare ? bare : root["data"] as JArray ?? [];
        var contacts = data.Select(HelpCrunchContact.Parse).OfType<HelpCrunchContact>().ToList();
        var total = root is JObject o && o["total"] is JValue t && int.TryParse(t.ToString(CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
            ? n
            : offset + contacts.Count;
        return new HelpCrunchSearchResult(contacts, total);
    }

    /// <summary><c>PATCH /customers/{id}</c>: sets only the given fields; a JSON null clears one.</summary>
    public async Task<HelpCrunchContact> UpdateAsync(string id, JObject fields, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(UpdateRequest(id, fields), cancellationToken).ConfigureAwait(false));

    /// <summary><c>POST /customers</c> (201). Not idempotent, so an attempt that may have acted (timeout, lost
    /// connection, 5xx) is not repeated here: the exception says <see cref="HelpCrunchException.MayHaveActed"/>, and
    /// the caller looks the contact up before trying again. 429s and refused connections are retried.</summary>
    public async Task<HelpCrunchContact> CreateAsync(JObject fields, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(CreateRequest(fields), cancellationToken, repeatable: false).ConfigureAwait(false));

    /// <summary><c>PUT /customers/{id}/tags</c> with <c>{"tags":[{"name","color"?}]}</c>: adds the tags (HelpCrunch
    /// creates tags it does not know yet) and keeps the others.</summary>
    public async Task<HelpCrunchContact> TagAsync(string id, JArray tags, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(TagRequest(id, tags, add: true), cancellationToken).ConfigureAwait(false));

    /// <summary><c>DELETE /customers/{id}/tags</c> with a JSON body <c>{"tags":[{"name"}]}</c>: removes those tags.</summary>
    public async Task<HelpCrunchContact> UntagAsync(string id, JArray tags, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(TagRequest(id, tags, add: false), cancellationToken).ConfigureAwait(false));

    /// <summary><c>GET /customers/{id}</c>; null when HelpCrunch answers 404.</summary>
    public async Task<HelpCrunchContact?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return ContactFrom(await SendAsync(GetRequest(id), cancellationToken).ConfigureAwait(false));
        }
        catch (HelpCrunchException e) when (e.StatusCode == 404)
        {
            return null;
        }
    }

    public RequestPreview PreviewSearch(string field, JToken value, int limit, int offset = 0) => Preview(SearchRequest(field, value, limit, offset));

    public RequestPreview PreviewUpdate(string id, JObject fields) => Preview(UpdateRequest(id, fields));

    public RequestPreview PreviewCreate(JObject fields) => Preview(CreateRequest(fields));

    public RequestPreview PreviewGet(string id) => Preview(GetRequest(id));

    public RequestPreview PreviewTag(string id, JArray tags, bool add) => Preview(TagRequest(id, tags, add));

    public void Dispose()
    {
        _http.Dispose();
        _limiter?.Dispose();
    }

    private static Request SearchRequest(string field, JToken value, int limit, int offset)
    {
        var qualified = field.StartsWith("customers.", StringComparison.Ordinal) ? field : "customers." + field;
        var body = new JObject
        {
            ["filter"] = new JArray(new JObject { ["field"] = qualified, ["operator"] = "=", ["value"] = value.DeepClone() }),
            ["limit"] = limit,
            ["offset"] = offset,
        };
        return new Request(HttpMethod.Post, "/customers/search", body);
    }

    private static Request UpdateRequest(string id, JObject fields) => new(HttpMethod.Patch, "/customers/" + Uri.EscapeDataString(id), fields);

    private static Request CreateRequest(JObject fields) => new(HttpMethod.Post, "/customers", fields);

    // DELETE with a body is unusual but documented for untag; HttpClient sends the content with any method.
    private static Request TagRequest(string id, JArray tags, bool add) =>
        new(add ? HttpMethod.Put : HttpMethod.Delete, "/customers/" + Uri.EscapeDataString(id) + "/tags", new JObject { ["tags"] = tags.DeepClone() });

    private static Request GetRequest(string id) => new(HttpMethod.Get, "/customers/" + Uri.EscapeDataString(id), null);

    private RequestPreview Preview(Request request) =>
        new(request.Method.Method, _baseUrl + request.Path, request.Body is null ? null : SecretRedactor.Redact(request.Body.ToString(Formatting.Indented)));

    private static HelpCrunchContact ContactFrom(Attempt answer) =>
        HelpCrunchContact.Parse(ParseJson(answer))
        ?? throw new HelpCrunchException($"HelpCrunch {answer.Status} answer has no customer id: {Snippet(answer.Body)}", answer.Status, [], isTransient: false);

    private static JToken ParseJson(Attempt answer)
    {
        try
        {
            return JToken.Parse(answer.Body);
        }
        catch (JsonException e)
        {
            throw new HelpCrunchException($"HelpCrunch {answer.Status} answer is not JSON: {Snippet(answer.Body)}", answer.Status, [], isTransient: false, e);
        }
    }

    private static string Snippet(string body) => SecretRedactor.Redact(body.Length > 200 ? body[..200] + "…" : body);

    /// <summary>Sends through the pipeline; returns the 2xx answer or throws <see cref="HelpCrunchException"/>.</summary>
    private async Task<Attempt> SendAsync(Request request, CancellationToken cancellationToken, bool repeatable = true)
    {
        var attempts = 0;
        Attempt answer;
        try
        {
            answer = await (repeatable ? _pipeline : _onceOnlyPipeline).ExecuteAsync(async token =>
            {
                attempts++;
                using var message = new HttpRequestMessage(request.Method, _baseUrl + request.Path);
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (request.Body is not null)
                {
                    message.Content = new StringContent(request.Body.ToString(Formatting.None), Encoding.UTF8);
                    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                }
                using var response = await _http.SendAsync(message, token).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
                return new Attempt((int)response.StatusCode, body, RetryAfter(response));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw Unreachable($"HelpCrunch did not answer within {Seconds(Options.Timeout)}", attempts, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw Unreachable($"HelpCrunch could not be reached: {Describe(e)}", attempts, e);
        }
        if (answer.Status is >= 200 and < 300) return answer;
        var (text, codes) = HelpCrunchErrors.Describe(answer.Status, answer.Body);
        var transient = HelpCrunchErrors.IsTransient(answer.Status);
        throw HelpCrunchException.Counted(text, answer.Status, codes, transient, null, mayHaveActed: transient && answer.Status != 429,
            attempts, transient ? HelpCrunchException.AttemptNote.StillFailing : HelpCrunchException.AttemptNote.None);
    }

    private static HelpCrunchException Unreachable(string what, int attempts, Exception cause) =>
        HelpCrunchException.Counted(SecretRedactor.Redact(what), null, [], isTransient: true, cause, mayHaveActed: !NeverConnected(cause),
            attempts, HelpCrunchException.AttemptNote.Count);

    /// <summary>The connection was never made (refused, no route, name not found): the request was not sent.</summary>
    private static bool NeverConnected(Exception e) => e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    // HttpRequestException often says only "An error occurred while sending the request"; the cause is inside.
    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }

    /// <param name="repeatable">False for calls that must not be repeated blindly (create): only attempts that
    /// certainly did not reach HelpCrunch (429, refused connection) are retried.</param>
    private static ResiliencePipeline<Attempt> BuildPipeline(HelpCrunchOptions options, RateLimiter? limiter, bool repeatable)
    {
        var builder = new ResiliencePipelineBuilder<Attempt>();
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                ShouldHandle = args => ValueTask.FromResult(repeatable ? ShouldRetry(args.Outcome) : ShouldRetryOnceOnly(args.Outcome)),
                // Retry-After, when sent, wins over the computed backoff (null means "use the backoff").
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait
                    ? (TimeSpan?)TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, options.MaxRetryAfter.Ticks))
                    : null),
            });
        }
        // Inside the retry, so every attempt is paced; outside the timeout, so waiting for a permit never times out.
        if (limiter is not null) builder.AddRateLimiter(limiter);
        builder.AddTimeout(options.Timeout);
        return builder.Build();
    }

    private static bool ShouldRetry(Outcome<Attempt> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } r && HelpCrunchErrors.IsTransient(r.Status),
        HttpRequestException or TimeoutRejectedException or IOException => true,
        _ => false,
    };

    private static bool ShouldRetryOnceOnly(Outcome<Attempt> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { Status: 429 },
        { } e => NeverConnected(e),
    };

    private sealed record Request(HttpMethod Method, string Path, JObject? Body);

    private sealed record Attempt(int Status, string Body, TimeSpan? RetryAfter);
}
