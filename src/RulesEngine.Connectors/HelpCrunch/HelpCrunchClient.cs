using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.Timeout;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// The HelpCrunch REST API v1 customer endpoints used by the steps. Every call goes through one pipeline:
/// retry transient failures (429, 5xx, timeouts, refused/reset connections) with exponential backoff and jitter,
/// honouring Retry-After; pace to <see cref="RetrySettings.RequestsPerMinute"/> (callers wait, they do not
/// fail); time out each attempt. A call that does not succeed throws <see cref="HelpCrunchException"/>.
/// One instance per connection; the pacing is per HelpCrunch account (<see cref="AccountPacing"/>), shared by every
/// client in the process that uses the same API key and base URL.
/// </summary>
public sealed class HelpCrunchClient : IDisposable
{
    private readonly AccountPacing? _limiter;
    private readonly HttpServicePipelines<Attempt> _calls;
    private readonly string _baseUrl;

    /// <param name="timeProvider">For backoff and timeouts; <see cref="TimeProvider.System"/> by default.</param>
    public HelpCrunchClient(HelpCrunchOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null)
    {
        options.Validate();
        Options = options;
        _baseUrl = options.BaseUrl.TrimEnd('/');
        // One budget per HelpCrunch account in this process, shared by every client of that account.
        if (options.Retry.RequestsPerMinute > 0) _limiter = AccountPacing.Join(_baseUrl, options.ApiKey, options.Retry.RequestsPerMinute);
        // Pacing sits inside the retry, so every attempt is paced. A call that must not be repeated blindly (create)
        // is retried only when HelpCrunch certainly did not get it (429, refused connection).
        _calls = new HttpServicePipelines<Attempt>("helpCrunch", options.Retry, handler, timeProvider,
            ShouldRetry, ShouldRetryOnceOnly, outcome => outcome.Result?.RetryAfter, _limiter);
    }

    public HelpCrunchOptions Options { get; }

    /// <summary>
    /// <c>POST /customers/search</c> with one <c>=</c> filter on <c>customers.&lt;field&gt;</c>
    /// (<paramref name="field"/> may already carry the prefix).
    /// </summary>
    public async Task<HelpCrunchSearchResult> SearchAsync(string field, JToken value, int limit, int offset = 0, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SearchRequest(field, value, limit, offset), cancellationToken).ConfigureAwait(false);
        return HelpCrunchAnswer.Search(answer.Status, answer.Body, offset);
    }

    /// <summary>
    /// <c>POST /customers/search</c> with one <c>=</c> filter on <c>customers.&lt;field&gt;</c> per value, joined by
    /// <c>"comparison": "OR"</c>: one page of the contacts that match any of <paramref name="values"/>.
    /// </summary>
    public async Task<HelpCrunchSearchResult> SearchAnyAsync(string field, IReadOnlyList<string> values, int limit, int offset = 0, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(SearchAnyRequest(field, values, limit, offset), cancellationToken).ConfigureAwait(false);
        return HelpCrunchAnswer.Search(answer.Status, answer.Body, offset);
    }

    /// <summary>The most items <see cref="BatchUpdateAsync"/> takes (the documented limit of <c>PUT /customers/batch</c>).</summary>
    public const int MaxBatchUpdate = 10;

    /// <summary>
    /// <c>PUT /customers/batch</c> with <c>[{"customer": id, …fields}]</c>, 1 to <see cref="MaxBatchUpdate"/> items.
    /// Idempotent like <see cref="UpdateAsync"/>, so it is retried like it. The answer's shape is not documented: any
    /// JSON is accepted; a 2xx that is not JSON is held as malformed (it may have acted).
    /// </summary>
    public async Task BatchUpdateAsync(IReadOnlyList<(string Id, JObject Fields)> items, CancellationToken cancellationToken = default)
    {
        if (items.Count is < 1 or > MaxBatchUpdate) throw new ArgumentOutOfRangeException(nameof(items), $"a batch update takes 1 to {MaxBatchUpdate} items");
        var answer = await SendAsync(BatchUpdateRequest(items), cancellationToken).ConfigureAwait(false);
        HelpCrunchAnswer.Batch(answer.Status, answer.Body);
    }

    /// <summary><c>PATCH /customers/{id}</c>: sets only the given fields; a JSON null clears one.</summary>
    public async Task<HelpCrunchContact> UpdateAsync(string id, JObject fields, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(UpdateRequest(id, fields), cancellationToken).ConfigureAwait(false), changes: true);

    /// <summary><c>POST /customers</c> (201). Not idempotent, so an attempt that may have acted (timeout, lost
    /// connection, 5xx) is not repeated here: the exception says <see cref="HelpCrunchException.MayHaveActed"/>, and
    /// the caller looks the contact up before trying again. 429s and refused connections are retried.</summary>
    public async Task<HelpCrunchContact> CreateAsync(JObject fields, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(CreateRequest(fields), cancellationToken, repeatable: false).ConfigureAwait(false), changes: true);

    /// <summary><c>PUT /customers/{id}/tags</c> with <c>{"tags":[{"name","color"?}]}</c>: adds the tags (HelpCrunch
    /// creates tags it does not know yet) and keeps the others.</summary>
    public async Task<HelpCrunchContact> TagAsync(string id, JArray tags, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(TagRequest(id, tags, add: true), cancellationToken).ConfigureAwait(false), changes: true);

    /// <summary><c>DELETE /customers/{id}/tags</c> with a JSON body <c>{"tags":[{"name"}]}</c>: removes those tags.</summary>
    public async Task<HelpCrunchContact> UntagAsync(string id, JArray tags, CancellationToken cancellationToken = default) =>
        ContactFrom(await SendAsync(TagRequest(id, tags, add: false), cancellationToken).ConfigureAwait(false), changes: true);

    /// <summary><c>GET /customers/{id}</c>; null when HelpCrunch answers 404.</summary>
    public async Task<HelpCrunchContact?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return ContactFrom(await SendAsync(GetRequest(id), cancellationToken).ConfigureAwait(false), changes: false);
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

    /// <summary>The account's request budget this client waits on; null when pacing is off.</summary>
    internal AccountPacing? Pacing => _limiter;

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return; // leave the account's budget once
        _calls.Dispose();
        _limiter?.Leave();
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

    private static Request SearchAnyRequest(string field, IReadOnlyList<string> values, int limit, int offset)
    {
        var qualified = field.StartsWith("customers.", StringComparison.Ordinal) ? field : "customers." + field;
        var filters = new JArray();
        foreach (var value in values) filters.Add(new JObject { ["field"] = qualified, ["operator"] = "=", ["value"] = value });
        var body = new JObject { ["filter"] = filters, ["limit"] = limit, ["offset"] = offset };
        // A single-filter body may leave "comparison" out (docs); with several it must say OR.
        if (values.Count > 1) body["comparison"] = "OR";
        return new Request(HttpMethod.Post, "/customers/search", body);
    }

    private static Request BatchUpdateRequest(IReadOnlyList<(string Id, JObject Fields)> items)
    {
        var array = new JArray();
        foreach (var (id, fields) in items)
        {
            var item = new JObject { ["customer"] = long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture) };
            foreach (var property in fields.Properties()) item[property.Name] = property.Value.DeepClone();
            array.Add(item);
        }
        return new Request(HttpMethod.Put, "/customers/batch", null, array);
    }

    private static Request UpdateRequest(string id, JObject fields) => new(HttpMethod.Patch, "/customers/" + Uri.EscapeDataString(id), fields);

    private static Request CreateRequest(JObject fields) => new(HttpMethod.Post, "/customers", fields);

    // DELETE with a body is unusual but documented for untag; HttpClient sends the content with any method.
    private static Request TagRequest(string id, JArray tags, bool add) =>
        new(add ? HttpMethod.Put : HttpMethod.Delete, "/customers/" + Uri.EscapeDataString(id) + "/tags", new JObject { ["tags"] = tags.DeepClone() });

    private static Request GetRequest(string id) => new(HttpMethod.Get, "/customers/" + Uri.EscapeDataString(id), null);

    private RequestPreview Preview(Request request) =>
        new(request.Method.Method, _baseUrl + request.Path, request.Content is null ? null : SecretRedactor.Redact(request.Content.ToString(Formatting.Indented)));

    private static HelpCrunchContact ContactFrom(Attempt answer, bool changes) => HelpCrunchAnswer.Customer(answer.Status, answer.Body, mayHaveActed: changes);

    /// <summary>
    /// Sends through the pipeline; returns the 2xx answer or throws <see cref="HelpCrunchException"/>. Reports each
    /// attempt to <see cref="StepCall.Current"/> (an attempt that may have acted; a refusal before a retry wait) and
    /// starts no new attempt, rate-limit wait or retry wait once the run is stopping: the last failure then stands.
    /// </summary>
    private async Task<Attempt> SendAsync(Request request, CancellationToken cancellationToken, bool repeatable = true)
    {
        var call = StepCall.Current;
        var attempts = 0;
        object? last = null; // the last attempt's answer (Attempt) or failure (Exception)
        Attempt? answer = null;
        // Waits (rate limit, backoff) end on a stop as well; the attempt itself only on the caller's token.
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, call.Stopping);
        try
        {
            answer = await _calls.Retry(repeatable).ExecuteAsync(async _ =>
            {
                attempts++;
                call.AttemptStarting();
                try
                {
                    var attempt = await _calls.AttemptTimeout.ExecuteAsync(async token => await SendOnceAsync(request, token).ConfigureAwait(false), cancellationToken)
                        .ConfigureAwait(false);
                    // A 5xx may come after the work was done; a 429 or a 4xx says it was not.
                    if (attempt.Status >= 500 || attempt.Status is >= 200 and < 300) call.EffectPossible();
                    last = attempt;
                    return attempt;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    last = e;
                    if (!ServiceResilience.NeverConnected(e)) call.EffectPossible();
                    throw;
                }
            }, waits.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && call.IsStopping)
        {
            // Stopped during a wait: no new attempt. What the last attempt got is the outcome; none at all: not called.
            answer = last switch
            {
                Attempt attempt => attempt,
                Exception e => throw Failure(e, attempts, call),
                _ => throw new HelpCrunchException(SecretRedactor.Redact($"HelpCrunch not called: {StepCall.StoppingReason}"), null, [], isTransient: true),
            };
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException or IOException)
        {
            throw Failure(e, attempts, call);
        }
        if (answer.Status is >= 200 and < 300) return answer;
        var (text, codes) = HelpCrunchErrors.Describe(answer.Status, answer.Body);
        var transient = HelpCrunchErrors.IsTransient(answer.Status);
        // A stop ends the retries early: say so, or "still failing" reads as if every retry had been tried.
        if (transient && call.IsStopping) text += StepCall.NotRetriedNote;
        throw HelpCrunchException.Counted(text, answer.Status, codes, transient, null, mayHaveActed: transient && answer.Status != 429,
            attempts, transient ? HelpCrunchException.AttemptNote.StillFailing : HelpCrunchException.AttemptNote.None);
    }

    private async Task<Attempt> SendOnceAsync(Request request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method, _baseUrl + request.Path);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Options.ApiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.Content is { } content)
        {
            message.Content = new StringContent(content.ToString(Formatting.None), Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await _calls.Http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return new Attempt((int)response.StatusCode, body, ServiceResilience.RetryAfter(response, _calls.Time));
    }

    private HelpCrunchException Failure(Exception e, int attempts, StepCall call)
    {
        var note = call.IsStopping ? StepCall.NotRetriedNote : "";
        return e is TimeoutRejectedException
            ? Unreachable($"HelpCrunch did not answer within {Seconds(Options.Retry.Timeout)}", attempts, e, note)
            : Unreachable($"HelpCrunch could not be reached: {Describe(e)}", attempts, e, note);
    }

    private static HelpCrunchException Unreachable(string what, int attempts, Exception cause, string note) =>
        HelpCrunchException.Counted(SecretRedactor.Redact(what + note), null, [], isTransient: true, cause, mayHaveActed: !ServiceResilience.NeverConnected(cause),
            attempts, HelpCrunchException.AttemptNote.Count);

    /// <summary>The connection was never made (refused, no route, name not found): the request was not sent.</summary>

    // HttpRequestException often says only "An error occurred while sending the request"; the cause is inside.
    private static string Describe(Exception e) =>
        e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static bool ShouldRetry(Outcome<Attempt> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { } r && HelpCrunchErrors.IsTransient(r.Status),
        HttpRequestException or TimeoutRejectedException or IOException => true,
        _ => false,
    };

    private static bool ShouldRetryOnceOnly(Outcome<Attempt> outcome) => outcome.Exception switch
    {
        null => outcome.Result is { Status: 429 },
        { } e => ServiceResilience.NeverConnected(e),
    };

    private sealed record Request(HttpMethod Method, string Path, JObject? Body, JArray? ArrayBody = null)
    {
        public JToken? Content => (JToken?)Body ?? ArrayBody;
    }

    private sealed record Attempt(int Status, string Body, TimeSpan? RetryAfter);
}
