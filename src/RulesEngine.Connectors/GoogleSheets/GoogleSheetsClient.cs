using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A thin Google Sheets API v4 reader over <see cref="HttpClient"/> (the generated Sheets package is not used):
/// <c>values.get</c> with formatted values, because the flow should see what the user sees in the sheet.
/// Transient failures are retried with exponential backoff and jitter, reads are paced to the per-user quota,
/// and every failure surfaces as a <see cref="GoogleSheetsException"/> whose text says what to do.
/// </summary>
public sealed class GoogleSheetsClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly string _baseUrl;
    private readonly GoogleSheetsOptions _options;
    private readonly SheetsAuthorization _authorization;
    private readonly ReadPacer _pacer;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _attemptTimeout;

    /// <exception cref="ArgumentException">Not exactly one credential is set.</exception>
    /// <exception cref="GoogleSheetsException">The service account key file cannot be used.</exception>
    public GoogleSheetsClient(GoogleSheetsOptions options) : this(options, TimeProvider.System)
    {
    }

    internal GoogleSheetsClient(GoogleSheetsOptions options, TimeProvider time)
    {
        _options = options;
        _baseUrl = options.BaseUrl.EndsWith('/') ? options.BaseUrl : options.BaseUrl + "/";
        _authorization = (options.ApiKey, options.ServiceAccountKeyFile) switch
        {
            ({ Length: > 0 } key, null or "") => new ApiKeyAuthorization(key),
            (null or "", { Length: > 0 } file) => ServiceAccountAuthorization.Load(file),
            _ => throw new ArgumentException("set exactly one of ApiKey and ServiceAccountKeyFile", nameof(options)),
        };
        _pacer = new ReadPacer(options.ReadsPerMinute, time);
        var retry = new ResiliencePipelineBuilder { TimeProvider = time };
        // Polly wants at least one retry; a single attempt is simply no retry strategy.
        if (options.MaxAttempts > 1)
        {
            retry.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromMinutes(1),
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<GoogleSheetsException>(e => e.IsTransient),
                // Google rarely sends Retry-After; when it does, it knows better than our backoff.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is GoogleSheetsException { RetryAfter: { } wait }
                        ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(wait.Ticks, TimeSpan.FromMinutes(2).Ticks))
                        : null),
            });
        }
        _retry = retry.Build();
        _attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Timeout).Build();
    }

    /// <summary>
    /// The cells of <paramref name="range"/> (A1 notation, e.g. <c>'My Sheet'!A2:ZZ</c>), row by row, as the sheet
    /// shows them. Rows are ragged (trailing empty cells dropped), blank rows in the middle are empty, trailing blank
    /// rows are absent; the first row is the range's first row.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> GetValuesAsync(string spreadsheetId, string range, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync(
            $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values/{Uri.EscapeDataString(range)}" +
            "?majorDimension=ROWS&valueRenderOption=FORMATTED_VALUE", cancellationToken);
        // An empty range has no "values" key at all.
        if (json["values"] is not JArray rows) return [];
        return [.. rows.Select(row => row is JArray cells ? (IReadOnlyList<string>)[.. cells.Select(CellText)] : [])];
    }

    /// <summary>The titles of the spreadsheet's sheets (tabs), in order.</summary>
    public async Task<IReadOnlyList<string>> GetSheetTitlesAsync(string spreadsheetId, CancellationToken cancellationToken)
    {
        var json = await GetJsonAsync($"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}?fields=sheets.properties", cancellationToken);
        return [.. (json["sheets"] as JArray ?? []).Select(s => s["properties"]?["title"]?.ToString() ?? "")];
    }

    public void Dispose() => _http.Dispose();

    private async Task<JObject> GetJsonAsync(string relativeUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(async token =>
            {
                await _pacer.WaitTurnAsync(token);
                return await _attemptTimeout.ExecuteAsync(t => new ValueTask<JObject>(SendAsync(_baseUrl + relativeUrl, t)), token);
            }, cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new GoogleSheetsException($"Google Sheets did not answer within {_options.Timeout.TotalSeconds:0} s " +
                $"({Attempts}); check the network, or raise \"timeoutSeconds\" in the connection", isTransient: true, inner: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new GoogleSheetsException($"could not reach Google Sheets at {_baseUrl} ({Attempts}): {e.Message}", isTransient: true, inner: e);
        }
        catch (GoogleSheetsException e) when (e.IsTransient && _options.MaxAttempts > 1)
        {
            throw new GoogleSheetsException($"{e.Message} ({Attempts})", e.HttpStatus, e.Status, true, e.IsInactiveAccount, e.RetryAfter, e);
        }
    }

    private string Attempts => _options.MaxAttempts == 1 ? "1 attempt" : $"gave up after {_options.MaxAttempts} attempts";

    private async Task<JObject> SendAsync(string url, CancellationToken cancellationToken)
    {
        for (var refresh = false; ; refresh = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            await _authorization.AuthorizeAsync(request, refresh, cancellationToken);
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JObject.Parse(body);
                }
                catch (JsonReaderException e)
                {
                    throw new GoogleSheetsException($"Google Sheets answered {(int)response.StatusCode} with something that is not JSON: {Shorten(body)}", inner: e);
                }
            }
            // A cached token can be revoked or expire early: fetch a new one once before calling the account inactive.
            if ((int)response.StatusCode == 401 && _authorization.CanRefresh && !refresh) continue;
            throw GoogleSheetsError.From(response, body, _authorization);
        }
    }

    private static string CellText(JToken cell) => cell.Type switch
    {
        JTokenType.String => cell.ToString(),
        JTokenType.Null or JTokenType.Undefined => "",
        // Sheets shows booleans as TRUE/FALSE.
        JTokenType.Boolean => cell.Value<bool>() ? "TRUE" : "FALSE",
        JTokenType.Integer or JTokenType.Float => Convert.ToString(((JValue)cell).Value, CultureInfo.InvariantCulture) ?? "",
        _ => cell.ToString(Formatting.None),
    };

    internal static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
