using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Polly;
using Polly.Timeout;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A thin Google Sheets API v4 client over <see cref="HttpClient"/> (the generated Sheets package is not used):
/// <c>values.get</c> with formatted values, because the flow should see what the user sees in the sheet, and the
/// writes <c>values.append</c> (one row or many), <c>values.update</c> and <c>values.batchUpdate</c>. Transient failures are retried with exponential backoff and
/// jitter (an append only when Google surely did not apply it), reads and writes are paced to their per-user quotas,
/// and every failure surfaces as a <see cref="GoogleSheetsException"/> whose text says what to do.
/// </summary>
public sealed class GoogleSheetsClient : IDisposable
{
    private readonly HttpClient _http = new(ApiRequestMetering.Around("googleSheets", new SocketsHttpHandler())) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private readonly string _baseUrl;
    private readonly GoogleSheetsOptions _options;
    private readonly SheetsAuthorization _authorization;
    private readonly ReadPacer _pacer;
    private readonly ReadPacer _writePacer;
    private readonly ResiliencePipeline _retry;
    private readonly ResiliencePipeline _retryUnapplied;
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
        _writePacer = new ReadPacer(options.WritesPerMinute, time);
        _retry = BuildRetry(options, time, e => e is HttpRequestException or IOException or TimeoutRejectedException
            || e is GoogleSheetsException { IsTransient: true });
        // An append is not idempotent: retry only what Google surely did not apply (no connection, or an answer
        // saying "later"), never a request whose answer was lost (timeout, connection dropped mid-request).
        _retryUnapplied = BuildRetry(options, time, e =>
            e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
            || e is GoogleSheetsException { IsTransient: true, HttpStatus: 429 or 503 });
        _attemptTimeout = ServiceResilience.AttemptTimeout(options.Timeout, time);
    }

    /// <summary>
    /// The cells of <paramref name="range"/> (A1 notation, e.g. <c>'My Sheet'!A2:ZZ</c>), row by row, as the sheet
    /// shows them. Rows are ragged (trailing empty cells dropped), blank rows in the middle are empty, trailing blank
    /// rows are absent; the first row is the range's first row.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyList<string>>> GetValuesAsync(string spreadsheetId, string range, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(GetRequest(spreadsheetId, range), cancellationToken);
        // A ValueRange always echoes "range"; an empty range has no "values" key at all (documented), but "values"
        // that is not an array of arrays is no answer to read rows from.
        if (json["range"] is not JValue { Type: JTokenType.String }) throw Malformed(json, "a ValueRange without \"range\"");
        switch (json["values"])
        {
            case null:
                return [];
            case JArray rows when rows.All(row => row is JArray cells && cells.All(cell => cell is JValue)):
                return [.. rows.Select(row => (IReadOnlyList<string>)[.. ((JArray)row).Select(CellText)])];
            default:
                throw Malformed(json, "a \"values\" that is not an array of arrays of cells");
        }
    }

    /// <summary>
    /// <see cref="GetValuesAsync"/> for a whole tab: the same request, its answer walked as it arrives into the sink
    /// <paramref name="newSink"/> makes (a fresh one for each attempt: a retried read starts over), so reading
    /// 100,000 rows never holds them all.
    /// </summary>
    internal Task<TSink> GetValueRowsAsync<TSink>(string spreadsheetId, string range, Func<TSink> newSink, CancellationToken cancellationToken)
        where TSink : IRowSink =>
        SendAsync(GetRequest(spreadsheetId, range), async (content, token) =>
        {
            var sink = newSink();
            await using var stream = await content.ReadAsStreamAsync(token);
            await ValueRows.ReadAsync(stream, sink, token);
            return sink;
        }, cancellationToken, streamed: true);

    /// <summary>
    /// <c>values.append</c>: adds one row after the table found in <paramref name="range"/> (rows below it are pushed
    /// down: <c>insertDataOption=INSERT_ROWS</c>). <paramref name="rawInput"/> false (USER_ENTERED) lets the sheet
    /// parse numbers, dates and formulas as if typed; true (RAW) stores the text as it is.
    /// </summary>
    public async Task<SheetWriteResult> AppendRowAsync(string spreadsheetId, string range, IReadOnlyList<string> cells, bool rawInput,
        CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(AppendRequest(spreadsheetId, range, [cells], rawInput), cancellationToken);
        return AppendUpdates(json);
    }

    /// <summary>
    /// <c>values.append</c> of many rows in one request: they land one below the other after the table, in order.
    /// Returns what each row got, as <see cref="AppendRowAsync"/> would report it for that row alone: Google answers
    /// with one <c>updatedRange</c> spanning them all, from which each row's own range is cut (its row number, and as
    /// wide as its own cells). Google applies a request it refuses (4xx) not at all.
    /// </summary>
    public async Task<IReadOnlyList<SheetWriteResult>> AppendRowsAsync(string spreadsheetId, string range, IReadOnlyList<IReadOnlyList<string>> rows,
        bool rawInput, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        var json = await SendJsonAsync(AppendRequest(spreadsheetId, range, rows, rawInput), cancellationToken);
        var whole = AppendUpdates(json);
        if (rows.Count == 1) return [whole];
        if (SheetWriteResult.Split(whole, rows.Select(r => r.Count).ToList()) is not { } perRow)
            throw Malformed(json, $"an append answer whose \"updates.updatedRange\" does not span the {rows.Count} rows sent", mayHaveActed: true);
        return perRow;
    }

    /// <summary>
    /// <c>values.batchUpdate</c>: writes each (range, cells) pair, in order, in one request (the body carries
    /// <c>valueInputOption</c> and the ValueRanges). Google applies all or, refusing the request, none. Returns the
    /// answer for each range (<c>responses[]</c>, in the order sent), as <see cref="UpdateRowAsync"/> reports one.
    /// </summary>
    public async Task<IReadOnlyList<SheetWriteResult>> BatchUpdateRowsAsync(string spreadsheetId, IReadOnlyList<(string Range, IReadOnlyList<string?> Cells)> writes,
        bool rawInput, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(writes.Count);
        var json = await SendJsonAsync(BatchUpdateRequest(spreadsheetId, writes, rawInput), cancellationToken);
        // Documented: {spreadsheetId, totalUpdated…, responses[UpdateValuesResponse]}, one response per ValueRange sent.
        if (json["responses"] is not JArray responses || responses.Count != writes.Count
            || !responses.All(r => r is JObject o && o["updatedRange"] is JValue { Type: JTokenType.String }))
            throw Malformed(json, $"a batchUpdate answer without {writes.Count} \"responses\" that each have an \"updatedRange\"", mayHaveActed: true);
        return [.. responses.Select(r => SheetWriteResult.Parse((JObject)r, null))];
    }

    private static SheetWriteResult AppendUpdates(JObject json)
    {
        // Documented: {spreadsheetId, tableRange?, updates{updatedRange, ...}}; the row number comes from updatedRange.
        if (json["updates"] is not JObject { } updates || updates["updatedRange"] is not JValue { Type: JTokenType.String })
            throw Malformed(json, "an append answer without \"updates.updatedRange\"", mayHaveActed: true);
        return SheetWriteResult.Parse(updates, json["tableRange"]?.ToString());
    }

    /// <summary>
    /// <c>values.update</c>: writes one row of cells into <paramref name="range"/> (PUT, a ValueRange body). A null cell
    /// is left as it is (Google skips nulls); "" clears it.
    /// </summary>
    public async Task<SheetWriteResult> UpdateRowAsync(string spreadsheetId, string range, IReadOnlyList<string?> cells, bool rawInput,
        CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(UpdateRequest(spreadsheetId, range, cells, rawInput), cancellationToken);
        if (json["updatedRange"] is not JValue { Type: JTokenType.String })
            throw Malformed(json, "an update answer without \"updatedRange\"", mayHaveActed: true);
        return SheetWriteResult.Parse(json, null);
    }

    /// <summary>The request <see cref="GetValuesAsync"/> makes, as it may be shown (no credential).</summary>
    internal RequestPreview PreviewGet(string spreadsheetId, string range) => Preview(GetRequest(spreadsheetId, range));

    internal RequestPreview PreviewAppend(string spreadsheetId, string range, IReadOnlyList<string> cells, bool rawInput) =>
        Preview(AppendRequest(spreadsheetId, range, [cells], rawInput));

    internal RequestPreview PreviewUpdate(string spreadsheetId, string range, IReadOnlyList<string?> cells, bool rawInput) =>
        Preview(UpdateRequest(spreadsheetId, range, cells, rawInput));

    /// <summary>The titles of the spreadsheet's sheets (tabs), in order.</summary>
    public async Task<IReadOnlyList<string>> GetSheetTitlesAsync(string spreadsheetId, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(new Request(HttpMethod.Get, $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}?fields=sheets.properties", null, Idempotent: true), cancellationToken);
        if (json["sheets"] is not JArray sheets || !sheets.All(sheet => sheet["properties"]?["title"] is JValue { Type: JTokenType.String }))
            throw Malformed(json, "a \"sheets\" that is not a list of sheets with titles");
        return [.. sheets.Select(sheet => sheet["properties"]!["title"]!.ToString())];
    }

    /// <summary>
    /// The spreadsheet's locale and time zone (<c>spreadsheets.get?fields=properties(locale,timeZone)</c>, one read).
    /// Formatted cell values follow the locale, so "1.234,5" is a number in a "de_DE" spreadsheet.
    /// </summary>
    public async Task<SpreadsheetProperties> GetSpreadsheetPropertiesAsync(string spreadsheetId, CancellationToken cancellationToken)
    {
        var json = await SendJsonAsync(new Request(HttpMethod.Get,
            $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}?fields={Uri.EscapeDataString("properties(locale,timeZone)")}", null,
            Idempotent: true), cancellationToken);
        if (json["properties"] is not JObject properties) throw Malformed(json, "an answer without \"properties\"");
        return new SpreadsheetProperties(properties["locale"]?.ToString() ?? "", properties["timeZone"]?.ToString() ?? "");
    }

    public void Dispose() => _http.Dispose();

    private static Request GetRequest(string spreadsheetId, string range) => new(HttpMethod.Get,
        $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values/{Uri.EscapeDataString(range)}" +
        "?majorDimension=ROWS&valueRenderOption=FORMATTED_VALUE", null, Idempotent: true);

    private static Request AppendRequest(string spreadsheetId, string range, IReadOnlyList<IReadOnlyList<string>> rows, bool rawInput) => new(HttpMethod.Post,
        $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values/{Uri.EscapeDataString(range)}:append" +
        $"?valueInputOption={InputOption(rawInput)}&insertDataOption=INSERT_ROWS&includeValuesInResponse=false",
        ValueRange(range, rows), Idempotent: false);

    // Writing the same cells again is harmless, so a lost answer is retried like an update's.
    private static Request BatchUpdateRequest(string spreadsheetId, IReadOnlyList<(string Range, IReadOnlyList<string?> Cells)> writes, bool rawInput) =>
        new(HttpMethod.Post, $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values:batchUpdate", new JObject
        {
            ["valueInputOption"] = InputOption(rawInput),
            ["includeValuesInResponse"] = false,
            ["data"] = new JArray(writes.Select(w => ValueRange(w.Range, [w.Cells]))),
        }, Idempotent: true);

    private static Request UpdateRequest(string spreadsheetId, string range, IReadOnlyList<string?> cells, bool rawInput) => new(HttpMethod.Put,
        $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values/{Uri.EscapeDataString(range)}" +
        $"?valueInputOption={InputOption(rawInput)}&includeValuesInResponse=false",
        ValueRange(range, [cells]), Idempotent: true);

    private static string InputOption(bool raw) => raw ? "RAW" : "USER_ENTERED";

    private static JObject ValueRange(string range, IEnumerable<IEnumerable<string?>> rows) => new()
    {
        ["range"] = range,
        ["majorDimension"] = "ROWS",
        ["values"] = new JArray(rows.Select(cells => new JArray(cells.Select(c => c is null ? JValue.CreateNull() : new JValue(c))))),
    };

    private RequestPreview Preview(Request request) =>
        new(request.Method.Method, _baseUrl + request.RelativeUrl, request.Body?.ToString(Formatting.Indented));

    /// <summary>An answer with a success status that lacks what is read from it: Google misbehaving (or a proxy), so
    /// transient (a step holds its item, a source read fails and is tried again), quoting what came back.</summary>
    private static GoogleSheetsException Malformed(JObject json, string what, bool mayHaveActed = false) =>
        new($"Google Sheets answered with {what}, not the documented answer (the service misbehaved): {Quote(json.ToString(Formatting.None))}",
            200, isTransient: true)
        { Malformed = true, MayHaveActed = mayHaveActed };

    private static string Quote(string body)
    {
        var text = Shorten(body);
        text = string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return text.Length == 0 ? "(empty)" : "'" + text + "'";
    }

    private Task<JObject> SendJsonAsync(Request request, CancellationToken cancellationToken) =>
        SendAsync(request, async (content, token) =>
        {
            var body = await content.ReadAsStringAsync(token);
            try
            {
                return JObject.Parse(body);
            }
            catch (JsonReaderException e)
            {
                // HTML from a proxy, an empty body: the service misbehaved; a write may have been applied.
                throw new GoogleSheetsException("Google Sheets answered with something that is not a JSON object " +
                    $"(the service misbehaved): {Quote(body)}", 200, isTransient: true, inner: e)
                { Malformed = true, MayHaveActed = request.Method != HttpMethod.Get };
            }
        }, cancellationToken);

    /// <summary>One request with retries, pacing and a timeout per attempt; <paramref name="read"/> takes a successful
    /// answer's body (inside the attempt, so a body cut off mid-way is retried like any lost answer).</summary>
    /// <remarks>Once the run is stopping (<see cref="StepCall.Stopping"/>) no new attempt, pacing wait or retry wait starts:
    /// the last failure then stands. The attempt in flight ends only on <paramref name="cancellationToken"/>.</remarks>
    private async Task<T> SendAsync<T>(Request request, Func<HttpContent, CancellationToken, Task<T>> read, CancellationToken cancellationToken,
        bool streamed = false)
    {
        var write = request.Method != HttpMethod.Get;
        var attempts = 0;
        var step = StepCall.Current;
        Exception? lastError = null;
        using var waits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, step.Stopping);
        try
        {
            return await (request.Idempotent ? _retry : _retryUnapplied).ExecuteAsync(async token =>
            {
                attempts++;
                await (write ? _writePacer : _pacer).WaitTurnAsync(token);
                step.AttemptStarting();
                try
                {
                    return await _attemptTimeout.ExecuteAsync(t => new ValueTask<T>(SendOnceAsync(request, read, streamed, t)), cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    lastError = e;
                    if (!(e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
                          || e is GoogleSheetsException { HttpStatus: 429 or (>= 400 and < 500) })) step.EffectPossible();
                    throw;
                }
            }, waits.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && step.IsStopping)
        {
            if (lastError is GoogleSheetsException sheets)
                throw new GoogleSheetsException(sheets.Message + StepCall.NotRetriedNote, sheets.HttpStatus, sheets.Status, sheets.IsTransient, sheets.IsInactiveAccount, sheets.RetryAfter, sheets)
                {
                    Malformed = sheets.Malformed,
                    MayHaveActed = sheets.MayHaveActed,
                };
            if (lastError is not null)
                throw new GoogleSheetsException($"could not reach Google Sheets at {_baseUrl} ({Attempts(attempts)}): {lastError.Message}{StepCall.NotRetriedNote}", isTransient: true, inner: lastError);
            throw new GoogleSheetsException($"Google Sheets not called: {StepCall.StoppingReason}", isTransient: true);
        }
        catch (TimeoutRejectedException e)
        {
            throw new GoogleSheetsException($"Google Sheets did not answer within {_options.Timeout.TotalSeconds:0} s " +
                $"({Attempts(attempts)}); check the network, or raise \"timeoutSeconds\" in the connection", isTransient: true, inner: e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new GoogleSheetsException($"could not reach Google Sheets at {_baseUrl} ({Attempts(attempts)}): {e.Message}" +
                (step.IsStopping ? StepCall.NotRetriedNote : ""), isTransient: true, inner: e);
        }
        catch (GoogleSheetsException e) when (e.IsTransient && (attempts > 1 || step.IsStopping))
        {
            throw new GoogleSheetsException($"{e.Message} ({Attempts(attempts)}){(step.IsStopping ? StepCall.NotRetriedNote : "")}", e.HttpStatus, e.Status, true, e.IsInactiveAccount, e.RetryAfter, e)
            {
                Malformed = e.Malformed,
                MayHaveActed = e.MayHaveActed,
            };
        }
    }

    private static string Attempts(int attempts) => attempts <= 1 ? "1 attempt" : $"gave up after {attempts} attempts";

    private async Task<T> SendOnceAsync<T>(Request request, Func<HttpContent, CancellationToken, Task<T>> read, bool streamed,
        CancellationToken cancellationToken)
    {
        for (var refresh = false; ; refresh = true)
        {
            using var message = new HttpRequestMessage(request.Method, _baseUrl + request.RelativeUrl);
            if (request.Body is not null)
                message.Content = new StringContent(request.Body.ToString(Formatting.None), System.Text.Encoding.UTF8, "application/json");
            await _authorization.AuthorizeAsync(message, refresh, cancellationToken);
            // A streamed answer is read as it arrives, not buffered first.
            using var response = await _http.SendAsync(message, streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                cancellationToken);
            if (response.IsSuccessStatusCode) return await read(response.Content, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            // A cached token can be revoked or expire early: fetch a new one once before calling the account inactive.
            if ((int)response.StatusCode == 401 && _authorization.CanRefresh && !refresh) continue;
            throw GoogleSheetsError.From(response, body, _authorization, write: request.Method != HttpMethod.Get);
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

    // A malformed answer is not retried (it was an answer). Google rarely sends Retry-After; when it does, it knows
    // better than our backoff.
    private static ResiliencePipeline BuildRetry(GoogleSheetsOptions options, TimeProvider time, Func<Exception, bool> isTransient) =>
        ServiceResilience.Retry(new RetrySettings(options.MaxAttempts, options.RetryBaseDelay, TimeSpan.FromMinutes(1)), time,
            e => e is not GoogleSheetsException { Malformed: true } && isTransient(e),
            e => (e as GoogleSheetsException)?.RetryAfter);

    /// <summary>One API call: its method, its URL below the base, its JSON body, and whether repeating it is harmless.</summary>
    private sealed record Request(HttpMethod Method, string RelativeUrl, JObject? Body, bool Idempotent);

    internal static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
