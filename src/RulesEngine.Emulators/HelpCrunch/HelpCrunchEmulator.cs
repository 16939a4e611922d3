using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// A local fake of the HelpCrunch REST API v1 customer endpoints (the checklist in docs/api/helpcrunch.md §8),
/// on an <see cref="EmulatorHost"/>: bearer auth (401 <c>invalid_token</c>), create/get/list/PUT/PATCH/DELETE,
/// batch, tag/untag, search, duplicate checks, locale validation, an optional 120/min limiter, and faults
/// (<see cref="Faults"/>) answered in HelpCrunch's <c>{"errors":[{"code","message"}]}</c> envelope, 429 with
/// Retry-After. Routes live under <c>/v1</c> like the real service, so <see cref="BaseUrl"/> is
/// <c>http://127.0.0.1:PORT/v1</c>: give exactly that to a connection's <c>baseUrl</c>.
/// </summary>
public sealed class HelpCrunchEmulator : IAsyncDisposable
{
    private const string Prefix = "/v1";
    private readonly string _apiKey;
    private readonly CustomerStore _store;
    private readonly RequestRateLimiter? _limiter;
    private EmulatorHost? _host;
    private int _rateLimited;

    private HelpCrunchEmulator(string apiKey, HelpCrunchEmulatorOptions options)
    {
        _apiKey = apiKey;
        Options = options;
        _store = new CustomerStore(options);
        if (options.EnforceRateLimit) _limiter = new RequestRateLimiter(options.RequestsPerMinute, TimeProvider.System);
    }

    /// <summary>Starts the emulator on 127.0.0.1 (<paramref name="port"/> 0: a free one). Requests must carry
    /// <c>Authorization: Bearer <paramref name="apiKey"/></c>.</summary>
    public static async Task<HelpCrunchEmulator> StartAsync(string apiKey, HelpCrunchEmulatorOptions? options = null, int port = 0)
    {
        var emulator = new HelpCrunchEmulator(apiKey, options ?? new HelpCrunchEmulatorOptions());
        emulator._host = await EmulatorHost.StartAsync(app => app.Run(emulator.HandleAsync), WriteFaultAsync(emulator.Options), port).ConfigureAwait(false);
        return emulator;
    }

    public HelpCrunchEmulatorOptions Options { get; }

    /// <summary>The API base URL to configure a client with: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public string BaseUrl => Host.BaseUrl + Prefix;

    public EmulatorHost Host => _host ?? throw new InvalidOperationException("the emulator is not started");

    /// <summary>Faults injected before the routes run (HTTP errors, 429, delays, dropped connections).</summary>
    public FaultPlan Faults => Host.Faults;

    /// <summary>Every request received, faulted ones included, in order.</summary>
    public IReadOnlyList<RecordedRequest> Received => Host.Received;

    /// <summary>
    /// Seeds a contact without going through HTTP (no auth, no duplicate checks, so tests can create the
    /// duplicates HelpCrunch allows). Accepts request or response shapes: customData as a map or
    /// <c>[{property,value}]</c>, tags as names or objects, an explicit <c>id</c>. Returns the stored contact.
    /// </summary>
    public JObject AddContact(JObject fields) => _store.Create(fields, seeding: true);

    public JObject AddContact(string email, string? name = null, string? userId = null, string? locale = null)
    {
        var fields = new JObject { ["email"] = email };
        if (name is not null) fields["name"] = name;
        if (userId is not null) fields["userId"] = userId;
        if (locale is not null) fields["locale"] = locale;
        return AddContact(fields);
    }

    /// <summary>Copies of every contact, in id order, as the API would return them.</summary>
    public IReadOnlyList<JObject> Contacts => _store.Snapshot();

    /// <summary>How many requests the emulator's own limit refused with 429 (<see cref="HelpCrunchEmulatorOptions.EnforceRateLimit"/>);
    /// injected faults are not counted here (see <see cref="RecordedRequest.FaultStatus"/>).</summary>
    public int RateLimitedAnswers => Volatile.Read(ref _rateLimited);

    /// <summary>How many stored contacts searches and lists have read: a search by email reads only that email's contacts.</summary>
    public long ContactsRead => _store.ContactsRead;

    /// <summary>A copy of one contact, or null.</summary>
    public JObject? Contact(long id)
    {
        try
        {
            return _store.Get(id);
        }
        catch (ApiError)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        try
        {
            var (status, body) = Route(context.Request.Method, context.Request.Path.Value ?? "", context.Request.Query, context.Request.Headers.Authorization.ToString(), await ReadBodyAsync(context.Request).ConfigureAwait(false));
            if (body is JValue { Type: JTokenType.String } text && status == 200 && context.Request.Method == "DELETE" && !context.Request.Path.Value!.EndsWith("/tags", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(text.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                return;
            }
            await WriteJsonAsync(context, status, body).ConfigureAwait(false);
        }
        catch (ApiError e)
        {
            if (e.Status == 429 && Options.SendRetryAfter && e.Data["retryAfter"] is int seconds)
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteJsonAsync(context, e.Status, Envelope(e.Status, e.Code, e.Message)).ConfigureAwait(false);
        }
    }

    private (int Status, JToken Body) Route(string method, string path, IQueryCollection query, string authorization, string body)
    {
        if (!path.StartsWith(Prefix + "/", StringComparison.Ordinal)) throw new ApiError(404, "not_found", $"No route {path}; the API lives under {Prefix}");
        if (authorization != "Bearer " + _apiKey) throw new ApiError(401, "invalid_token", "Invalid token");
        if (_limiter?.TryAccept() is { } wait)
        {
            Interlocked.Increment(ref _rateLimited);
            var error = new ApiError(429, "too_many_requests", "Too many requests");
            error.Data["retryAfter"] = (int)Math.Ceiling(wait.TotalSeconds);
            throw error;
        }
        var segments = path[Prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments[0] != "customers") throw new ApiError(404, "not_found", $"No route {path}");
        return (segments.Length, method) switch
        {
            (1, "GET") => (200, List(query)),
            (1, "POST") => (201, _store.Create(Object(body))),
            (2, "POST") when segments[1] == "search" => (200, Search(Object(body))),
            (2, "PUT") when segments[1] == "batch" => (200, Batch(body)),
            (2, "GET") => (200, _store.Get(Id(segments[1]))),
            (2, "PATCH") => (200, _store.Update(Id(segments[1]), Object(body), replace: false)),
            (2, "PUT") => (200, _store.Update(Id(segments[1]), Object(body), replace: true)),
            (2, "DELETE") => Deleted(Id(segments[1])),
            (3, "PUT") when segments[2] == "tags" => (200, _store.Tag(Id(segments[1]), Object(body)["tags"], add: true)),
            (3, "DELETE") when segments[2] == "tags" => (200, _store.Tag(Id(segments[1]), Object(body)["tags"], add: false)),
            _ => throw new ApiError(405, "method_not_allowed", $"{method} {path} is not supported"),
        };
    }

    private (int, JToken) Deleted(long id)
    {
        _store.Delete(id);
        return (200, new JValue("Ok"));
    }

    private JObject List(IQueryCollection query)
    {
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : CustomerSearch.MaxLimit;
        var offset = int.TryParse(query["offset"], CultureInfo.InvariantCulture, out var o) ? o : 0;
        var (page, total) = _store.Query(emails: null, all => CustomerSearch.Page(all, query["sort"], query["order"], limit, offset));
        return Envelope(page, total);
    }

    private JObject Search(JObject request)
    {
        var (page, total) = CustomerSearch.Run(_store, request, Options.CaseSensitiveSearch);
        return Envelope(page, total);
    }

    private JObject Batch(string body)
    {
        if (Parse(body) is not JArray { Count: >= 1 and <= 10 } items) throw ApiError.BadRequest("batch update takes an array of 1 to 10 customers");
        var updated = new JArray();
        foreach (var item in items)
        {
            if (item is not JObject fields || fields["customer"] is not JValue { Type: JTokenType.Integer } id)
                throw ApiError.BadRequest("each batch item needs \"customer\": <id>");
            updated.Add(_store.Update(id.Value<long>(), fields, replace: false));
        }
        return new JObject { ["data"] = updated };
    }

    /// <summary>A page of contacts already in the API's shape (<see cref="CustomerStore.Query"/> answers copies).</summary>
    private static JObject Envelope(List<JObject> page, int total) => new() { ["data"] = new JArray(page), ["total"] = total };

    private static long Id(string segment) =>
        long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new ApiError(404, "entity_not_found", $"Customer {segment} not found");

    private static JObject Object(string body) => Parse(body) as JObject ?? throw ApiError.BadRequest("the body must be a JSON object");

    private static JToken Parse(string body)
    {
        try
        {
            return string.IsNullOrWhiteSpace(body) ? new JObject() : JToken.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiError.BadRequest($"Malformed JSON: {e.Message}");
        }
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync().ConfigureAwait(false);
    }

    /// <summary>The docs show 4xx answers both with a generic <c>invalid_request</c> first and without; 401 comes alone.</summary>
    private static JObject Envelope(int status, string code, string message)
    {
        var errors = new JArray();
        if (status != 401 && code != "invalid_request") errors.Add(new JObject { ["code"] = "invalid_request", ["message"] = "Invalid request" });
        errors.Add(new JObject { ["code"] = code, ["message"] = message });
        return new JObject { ["errors"] = errors };
    }

    private static Task WriteJsonAsync(HttpContext context, int status, JToken body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToString(Formatting.None));
    }

    private static Func<HttpContext, Fault, Task> WriteFaultAsync(HelpCrunchEmulatorOptions options) => (context, fault) =>
    {
        var (code, message) = fault.StatusCode switch
        {
            400 => ("invalid_request", "Invalid request"),
            401 => ("invalid_token", "Invalid token"),
            403 => ("forbidden", "Forbidden"),
            404 => ("entity_not_found", "Not found"),
            429 => ("too_many_requests", "Too many requests"),
            503 => ("service_unavailable", "Service unavailable"),
            _ => ("internal_error", "Internal server error"),
        };
        if (fault.Kind == FaultKind.RateLimited && options.SendRetryAfter)
            context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return WriteJsonAsync(context, fault.StatusCode, Envelope(fault.StatusCode, code, fault.Message ?? message));
    };
}
