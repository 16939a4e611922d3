using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// <c>http.request</c>: renders a request for each item (method, a URL below the connection's base URL, headers, a
/// JSON body) and sends it, one item after the other. Succeeded when the status passes the success rule (outputs:
/// <c>status</c> and the declared response fields); Failed when the server answered anything else (the error quotes
/// the status and the start of the body); Held when no answer came, or 408/429/5xx persisted after the retries.
/// <para>
/// Delivery (<c>"delivery"</c>) matters for POST and PATCH only, which a retry could repeat: a call cut off after the
/// request went out is sent again (<c>atLeastOnce</c>, the default, output <c>resent</c>: 1) or failed with
/// <c>deliveryUnknown</c>: 1 (<c>atMostOnce</c>). GET, PUT and DELETE are idempotent and simply called again.
/// </para>
/// </summary>
internal sealed class RequestStep(HttpApiClient client, RequestStep.Templates templates, bool atMostOnce) : IResumableReceiver
{
    public const string Type = "http.request";

    public const string FieldMethod = "method";
    public const string FieldUrl = "url";
    public const string FieldHeaders = "headers";
    public const string FieldBody = "body";
    public const string FieldSuccessStatus = "successStatus";
    public const string FieldOutputs = "outputs";

    public const string OutputStatus = "status";

    public const string AbsoluteUrlCode = "RE1301";
    public const string BadSuccessStatusCode = "RE1302";
    public const string BadOutputsCode = "RE1303";
    public const string BadHeaderCode = "RE1304";
    public const string BodyNotAllowedCode = "RE1305";

    /// <summary>Headers the client sets from the request itself; a step cannot override them.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
        { "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Accept" };

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static StepSpec Spec { get; } = new(Type,
        "Call any HTTP JSON API below an \"http\" connection's base URL. Output: status, plus the response fields named in \"outputs\".",
        [
            new FieldSpec("connection", FieldKind.Text, "name of an \"http\" connection (the base URL and credentials)", Required: true, Example: "crm"),
            new FieldSpec(FieldMethod, FieldKind.Text, "the HTTP method", Required: true, AllowedValues: Methods, Example: "POST"),
            new FieldSpec(FieldUrl, FieldKind.Template,
                "path (and query) below the connection's baseUrl; placeholder values are URL-escaped, so a cell cannot change the path",
                Required: true, Example: "/contacts/{Id}?notify=true"),
            new FieldSpec(FieldHeaders, FieldKind.Mapping, "extra headers, name to template; credentials belong in the connection",
                Example: "{\"X-Request-Source\": \"rulesengine {Run.Id}\"}"),
            new FieldSpec(FieldBody, FieldKind.Mapping, "JSON body: an object whose string leaves are templates (not with GET)",
                Example: "{\"email\": \"{Email}\", \"name\": \"{Name}\", \"tags\": [\"lead\"]}"),
            new FieldSpec(FieldSuccessStatus, FieldKind.Text,
                "statuses that mean success: codes, classes and ranges, comma-separated; default 2xx. Any other answer fails the step " +
                "(408, 429 and 5xx are retried first and hold the row if they persist)",
                Example: "2xx,404"),
            new FieldSpec(FieldOutputs, FieldKind.Mapping,
                "outputs for later steps: name to a path into the JSON answer (e.g. data.id, items[0].name); a missing path gives \"\"",
                Example: "{\"contactId\": \"data.id\"}"),
            DeliveryPolicy.Field(
                "for POST and PATCH: what to do with a request cut off after it went out (a crash, a timeout: the server may or may not have acted). " +
                "atLeastOnce (default): send it again (output resent: 1). atMostOnce: never send it again; the step fails with output " +
                "deliveryUnknown: 1 and the row is listed for a person. GET, PUT and DELETE are idempotent and always sent again"),
        ],
        HttpApiConnector.ConnectionType)
    {
        Errors =
        [
            new(AbsoluteUrlCode, "url is a full URL instead of a path below the connection's baseUrl"),
            new(BadSuccessStatusCode, "successStatus is not a list of codes, classes and ranges"),
            new(BadOutputsCode, "an outputs entry is not a path into the answer (a placeholder, the reserved name status)"),
            new(BadHeaderCode, "a header the step may not set (a credential, Host, Content-Type, ...) or a name that is not a header name"),
            new(BodyNotAllowedCode, "a body with GET"),
        ],
    };

    /// <summary>The step's compiled parts; optional ones are null when not set.</summary>
    internal sealed record Templates(HttpMethod Method, CompiledTemplate Url, TemplateMap? Headers, TemplateMap? Body, SuccessRule Success, ResponseOutputs Outputs);

    /// <summary>Reads the step's settings; problems go to <paramref name="config"/>, and a step that has any is never run.</summary>
    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<HttpApiClient>();
        var method = config.Text(FieldMethod);
        var url = config.Template(FieldUrl);
        var headers = config.Mapping(FieldHeaders);
        var body = config.Mapping(FieldBody);
        var successText = config.Text(FieldSuccessStatus) ?? SuccessRule.Default;
        var outputsMap = config.Mapping(FieldOutputs);

        if (url is not null && (url.Text.Contains("://", StringComparison.Ordinal) || url.Text.StartsWith("//", StringComparison.Ordinal)))
            config.Error(FieldUrl, AbsoluteUrlCode,
                $"\"{FieldUrl}\" must be a path below the connection's baseUrl (e.g. \"/contacts\"), not a full URL: credentials go to that host only");
        if (!SuccessRule.TryParse(successText, out var success, out var successError))
            config.Error(FieldSuccessStatus, BadSuccessStatusCode, $"\"{FieldSuccessStatus}\": {successError}");
        var outputs = outputsMap is null
            ? ResponseOutputs.None
            : ResponseOutputs.From(outputsMap.Shape, message => config.Error(FieldOutputs, BadOutputsCode, $"\"{FieldOutputs}\": {message}"));
        if (headers is not null) CheckHeaders(config, headers, client);
        if (body is not null && method is "GET")
            config.Error(FieldBody, BodyNotAllowedCode, $"\"{FieldBody}\" cannot go with GET; use POST, PUT or PATCH, or put the values in \"{FieldUrl}\"");

        if (client is null || method is null || url is null || success is null || outputs is null) return null;
        return new RequestStep(client, new Templates(new HttpMethod(method), url, headers, body, success, outputs), DeliveryPolicy.IsAtMostOnce(config));
    }

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.ExecuteAsync(items, async (item, token) =>
            Render(item, out var request) is { } failed ? failed : await SendAsync(request, token).ConfigureAwait(false), cancellationToken);

    public async Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome?>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (Render(items[i], out var request) is { } failed)
            {
                outcomes.Add(failed);
                continue;
            }
            // An idempotent request is simply made again, as usual.
            if (request.IsIdempotent)
            {
                outcomes.Add(null);
                continue;
            }
            if (atMostOnce)
            {
                outcomes.Add(DeliveryPolicy.NotResent(interrupted[i], "the server's answer"));
                continue;
            }
            outcomes.Add(DeliveryPolicy.MarkResent(await SendAsync(request, cancellationToken).ConfigureAwait(false)));
        }
        return outcomes;
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepPreview> previews = items
            .Select(item => Render(item, out var request) is { } failed
                ? new StepPreview([], failed)
                : new StepPreview([client.Preview(request)], StepOutcome.Success()))
            .ToList();
        return Task.FromResult(previews);
    }

    /// <summary>Sends one rendered request and judges the answer by the success rule.</summary>
    internal async Task<StepOutcome> SendAsync(HttpCall request, CancellationToken cancellationToken)
    {
        HttpAnswer answer;
        try
        {
            answer = await client.SendAsync(request, templates.Success.Accepts, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpApiException e)
        {
            return e.Transient ? StepOutcome.Held(e.Message, e) with { NoEffect = !e.MayHaveActed } : StepOutcome.Failure(e.Message, e);
        }
        var status = new Dictionary<string, string>(StringComparer.Ordinal) { [OutputStatus] = answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var what = $"{request.Method} {client.ShownUrl(request)} answered {answer.Describe()}";
        if (!templates.Success.Accepts(answer.Status))
        {
            var text = $"{what}{Attempts(answer)}{answer.Note}{Excerpt(answer.Body)}";
            return answer.IsTransient
                ? StepOutcome.Held(SecretRedactor.Redact(text)) with { NoEffect = !answer.MayHaveActed }
                : StepOutcome.Failure(SecretRedactor.Redact(text), output: status);
        }
        // The request succeeded: an unreadable answer fails the step (a later step needs the outputs), but never holds
        // it, which would send the request again.
        if (answer.Truncated && templates.Outputs.Paths.Count > 0)
            return StepOutcome.Failure($"{what}, but the answer is larger than {HttpApiClient.MaxBodyBytes / 1024} KiB, so its outputs were not read", output: status);
        if (templates.Outputs.Read(answer.Body, out var error) is not { } outputs)
            return StepOutcome.Failure(SecretRedactor.Redact($"{what}, but {error}"), output: status);
        outputs[OutputStatus] = status[OutputStatus];
        foreach (var name in outputs.Keys.ToList()) outputs[name] = SecretRedactor.Redact(outputs[name]);
        return StepOutcome.Success(outputs);
    }

    private StepOutcome? Render(ItemScope item, out HttpCall request)
    {
        request = null!;
        try
        {
            var url = templates.Url.Render(item, Uri.EscapeDataString);
            var headers = new List<(string, string)>();
            if (templates.Headers?.Render(item) is JObject rendered)
            {
                foreach (var header in rendered.Properties())
                {
                    var value = header.Value.Type == JTokenType.String ? header.Value.ToString() : header.Value.ToString(Formatting.None);
                    // A value from a sheet cannot smuggle in a header of its own.
                    if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                        return StepOutcome.Failure($"header \"{header.Name}\": its value has a line break, which no header may hold");
                    headers.Add((header.Name, value));
                }
            }
            var body = templates.Body?.Render(item).ToString(Formatting.Indented);
            request = new HttpCall(templates.Method, url.Length == 0 || url.StartsWith('/') || url.StartsWith('?') ? url : "/" + url, headers, body);
            return null;
        }
        catch (ExpressionException e)
        {
            return StepOutcome.Failure(e.Message, e);
        }
    }

    private static void CheckHeaders(StepConfig config, TemplateMap headers, HttpApiClient? client)
    {
        var credentials = client?.Options.CredentialHeaders.ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        foreach (var (name, value) in ((JObject)headers.Shape).Properties().Select(p => (p.Name, p.Value)))
        {
            var problem = !HttpApiOptions.IsHeaderName(name) ? "is not a header name (letters, digits and - only)"
                : ReservedHeaders.Contains(name) ? "is set by the client from the request itself"
                : credentials.Contains(name) ? "is set by the connection (credentials stay in the connections file)"
                : value is not JValue ? "must be text (a template), not a list or object"
                : null;
            if (problem is not null) config.Error(FieldHeaders, BadHeaderCode, $"\"{FieldHeaders}\": \"{name}\" {problem}");
        }
    }

    private static string Attempts(HttpAnswer answer) => answer.Attempts > 1 ? $" (gave up after {answer.Attempts} attempts)" : "";

    /// <summary>The start of an error answer, on one line: what the server said, without letting it flood the journal.</summary>
    private static string Excerpt(string body)
    {
        var line = new string([.. body.Take(300).Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        return line.Length == 0 ? "" : $": {line}{(body.Length > 300 ? "…" : "")}";
    }
}
