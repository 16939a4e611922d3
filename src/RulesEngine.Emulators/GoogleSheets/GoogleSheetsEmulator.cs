using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>
/// A local Google Sheets API v4 for tests and the demo: <c>values.get</c> with real A1 parsing and Google's response
/// shape, <c>values.append</c> (one row or many), <c>values.update</c> and <c>values.batchUpdate</c> (writes need a service-account token with the spreadsheets
/// scope; an API key gets Google's 401, a read-only share its 403), <c>spreadsheets.get</c> (the tabs, and the locale
/// and time zone set with <see cref="SetLocale"/>; a <c>fields</c> mask is honoured one level deep), API keys and
/// service-account tokens (with a JWT-bearer token endpoint at <see cref="TokenUrl"/>), Google's error envelope for
/// injected faults, and an optional 60-reads-a-minute quota.
/// Tests seed and edit sheets through the methods below while a flow polls them.
/// </summary>
public sealed partial class GoogleSheetsEmulator : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<EmulatedSheet>> _spreadsheets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _readOnly = new(StringComparer.Ordinal);
    private readonly HashSet<string> _apiKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Locale, string TimeZone)> _locales = new(StringComparer.Ordinal);
    private readonly Queue<DateTimeOffset> _reads = new();
    private readonly EmulatedTokenServer _tokens = new();
    private EmulatorHost _host = null!;

    private GoogleSheetsEmulator()
    {
    }

    /// <param name="port">0 for a free port.</param>
    public static async Task<GoogleSheetsEmulator> StartAsync(int port = 0)
    {
        var emulator = new GoogleSheetsEmulator();
        emulator._host = await EmulatorHost.StartAsync(emulator.MapRoutes, WriteFaultAsync, port);
        return emulator;
    }

    /// <summary>The value for a connection's <c>baseUrl</c> (with a trailing slash, like Google's).</summary>
    public string BaseUrl => _host.BaseUrl + "/";

    /// <summary>The token endpoint written into generated service-account keys as <c>token_uri</c>.</summary>
    public string TokenUrl => _host.BaseUrl + "/token";

    /// <summary>Every request received (paths are percent-decoded), for assertions.</summary>
    public IReadOnlyList<RecordedRequest> Received => _host.Received;

    public void ClearReceived() => _host.ClearReceived();

    /// <summary>Faults for the next requests; they are answered in Google's error envelope.</summary>
    public FaultPlan Faults => _host.Faults;

    /// <summary>When set, reads beyond this many in a minute get Google's 429 RESOURCE_EXHAUSTED.</summary>
    public int? ReadQuotaPerMinute { get; set; }

    // ---- seeding and editing ------------------------------------------------------------------------------------

    /// <summary>Adds a tab (creating the spreadsheet if needed) holding <paramref name="rows"/>, header first.</summary>
    public void AddSheet(string spreadsheetId, string sheetName, IEnumerable<IReadOnlyList<string>>? rows = null)
    {
        lock (_gate)
        {
            if (!_spreadsheets.TryGetValue(spreadsheetId, out var sheets)) _spreadsheets[spreadsheetId] = sheets = [];
            if (sheets.Any(s => s.Title == sheetName)) throw new InvalidOperationException($"sheet '{sheetName}' already exists");
            var sheet = new EmulatedSheet(sheets.Count == 0 ? 0 : sheets.Max(s => s.SheetId) + 1, sheetName);
            sheet.Rows.AddRange((rows ?? []).Select(r => r.ToList()));
            sheets.Add(sheet);
        }
    }

    /// <summary>Writes <paramref name="cells"/> below the last filled row, like a form response; returns its row number.</summary>
    public int AppendRow(string spreadsheetId, string sheetName, params string[] cells) => Edit(spreadsheetId, sheetName, sheet =>
    {
        var last = sheet.Rows.FindLastIndex(r => r.Any(c => c.Length > 0));
        sheet.Rows.RemoveRange(last + 1, sheet.Rows.Count - last - 1);
        sheet.Rows.Add([.. cells]);
        return sheet.Rows.Count;
    });

    /// <summary>Inserts a row at <paramref name="rowNumber"/> (1-based), pushing the rows from there down.</summary>
    public void InsertRow(string spreadsheetId, string sheetName, int rowNumber, params string[] cells) => Edit(spreadsheetId, sheetName, sheet =>
    {
        while (sheet.Rows.Count < rowNumber - 1) sheet.Rows.Add([]);
        sheet.Rows.Insert(rowNumber - 1, [.. cells]);
        return 0;
    });

    /// <summary>Deletes row <paramref name="rowNumber"/> (1-based); the rows below move up.</summary>
    public void DeleteRow(string spreadsheetId, string sheetName, int rowNumber) => Edit(spreadsheetId, sheetName, sheet =>
    {
        if (rowNumber <= sheet.Rows.Count) sheet.Rows.RemoveAt(rowNumber - 1);
        return 0;
    });

    /// <summary>Sets one cell, e.g. <c>SetCell("id", "Sheet1", "C4", "yes")</c>; "" clears it.</summary>
    public void SetCell(string spreadsheetId, string sheetName, string cell, string value) => Edit(spreadsheetId, sheetName, sheet =>
    {
        var range = A1Range.ParseCells(null, cell) ?? throw new ArgumentException($"'{cell}' is not a cell like B3", nameof(cell));
        while (sheet.Rows.Count < range.FirstRow) sheet.Rows.Add([]);
        var row = sheet.Rows[range.FirstRow - 1];
        while (row.Count < range.FirstColumn) row.Add("");
        row[range.FirstColumn - 1] = value;
        return 0;
    });

    /// <summary>A copy of the tab's cells, row by row.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ReadSheet(string spreadsheetId, string sheetName)
    {
        lock (_gate) return [.. Find(spreadsheetId, sheetName).Rows.Select(r => (IReadOnlyList<string>)[.. r])];
    }

    /// <summary>Sets the spreadsheet's locale (Google's form, e.g. "de_DE"; default "en_US") and time zone (default
    /// "Etc/GMT"), as <c>spreadsheets.get</c> reports them under <c>properties</c>. Cells are stored as formatted text, so
    /// seed them the way that locale shows them ("1.234,5").</summary>
    public void SetLocale(string spreadsheetId, string locale, string timeZone = DefaultTimeZone)
    {
        lock (_gate) _locales[spreadsheetId] = (locale, timeZone);
    }

    private const string DefaultLocale = "en_US";
    private const string DefaultTimeZone = "Etc/GMT";

    /// <summary>Makes the spreadsheet unreadable to every caller (403 PERMISSION_DENIED), as if not shared.</summary>
    public void DenyAccess(string spreadsheetId, bool denied = true)
    {
        lock (_gate)
        {
            if (denied) _denied.Add(spreadsheetId);
            else _denied.Remove(spreadsheetId);
        }
    }

    /// <summary>Shares the spreadsheet read-only (Viewer): reads work, writes get 403 PERMISSION_DENIED.</summary>
    public void ShareReadOnly(string spreadsheetId, bool readOnly = true)
    {
        lock (_gate)
        {
            if (readOnly) _readOnly.Add(spreadsheetId);
            else _readOnly.Remove(spreadsheetId);
        }
    }

    // ---- credentials --------------------------------------------------------------------------------------------

    public void AddApiKey(string key)
    {
        lock (_gate) _apiKeys.Add(key);
    }

    /// <summary>Deletes the key: later requests with it get 400 "API key not valid".</summary>
    public void RevokeApiKey(string key)
    {
        lock (_gate) _apiKeys.Remove(key);
    }

    /// <summary>
    /// Creates a service account with a fresh RSA key and writes its JSON key file (Google's format, token_uri pointing
    /// at this emulator) into <paramref name="directory"/>; returns the file's path.
    /// </summary>
    public string WriteServiceAccountKey(string directory, string clientEmail = "reader@emulated-project.iam.gserviceaccount.com")
    {
        using var rsa = RSA.Create(2048);
        var publicKey = RSA.Create();
        publicKey.ImportRSAPublicKey(rsa.ExportRSAPublicKey(), out _);
        _tokens.AddAccount(clientEmail, publicKey);
        var key = new JObject
        {
            ["type"] = "service_account",
            ["project_id"] = "emulated-project",
            ["private_key_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)),
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = clientEmail,
            ["client_id"] = "100000000000000000001",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = TokenUrl,
            ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
            ["universe_domain"] = "googleapis.com",
        };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, clientEmail.Split('@')[0] + "-key.json");
        File.WriteAllText(path, key.ToString(Formatting.Indented));
        return path;
    }

    /// <summary>Revokes the account's key: the token endpoint answers invalid_grant and its tokens stop working (401).</summary>
    public void RevokeServiceAccount(string clientEmail) => _tokens.Revoke(clientEmail);

    /// <summary>Expires every access token issued so far (clients must fetch new ones).</summary>
    public void ExpireTokens() => _tokens.ExpireTokens();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private void MapRoutes(WebApplication app)
    {
        app.MapGet("/v4/spreadsheets/{**rest}", HandleGetAsync);
        app.MapPost("/v4/spreadsheets/{**rest}", HandleWriteAsync);
        app.MapPut("/v4/spreadsheets/{**rest}", HandleWriteAsync);
        app.MapPost("/token", HandleTokenAsync);
    }

    private async Task HandleTokenAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
        var (status, body) = _tokens.Grant(form?.ToDictionary(f => f.Key, f => f.Value.ToString()) ?? new Dictionary<string, string>());
        await WriteJsonAsync(context, status, body);
    }

    private async Task HandleGetAsync(HttpContext context)
    {
        // The range is one percent-encoded path segment; decode it ourselves so an encoded '/' stays inside it.
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget.Split('?')[0];
        var segments = raw.Split('/').Skip(3).Select(Uri.UnescapeDataString).ToArray(); // "", "v4", "spreadsheets"
        if (Authorize(context) is { } refusal)
        {
            await WriteErrorAsync(context, refusal.Status, refusal.Message, refusal.Reason);
            return;
        }
        if (TakeQuota() is false)
        {
            await WriteErrorAsync(context, 429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' " +
                "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.", "RATE_LIMIT_EXCEEDED");
            return;
        }
        (int Status, JObject Body) answer;
        lock (_gate)
        {
            answer = segments switch
            {
                [var id] => GetSpreadsheet(id, context.Request.Query["fields"].ToString()),
                [var id, "values", var range] => GetValues(id, range, context.Request.Query["majorDimension"].ToString()),
                _ => GoogleErrorEnvelope.Create(404, "Method not found."),
            };
        }
        await WriteJsonAsync(context, answer.Status, answer.Body);
    }

    private async Task HandleWriteAsync(HttpContext context)
    {
        // Split the raw segment before decoding: ":append" is literal, while a ':' inside the range arrives as %3A.
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget.Split('?')[0];
        var segments = raw.Split('/').Skip(3).ToArray(); // "", "v4", "spreadsheets"
        if ((Authorize(context) ?? AuthorizeWrite(context)) is { } refusal)
        {
            await WriteErrorAsync(context, refusal.Status, refusal.Message, refusal.Reason);
            return;
        }
        if (context.Request.Method == "POST" && segments is [var batchId, "values:batchUpdate"])
        {
            await HandleBatchUpdateAsync(context, Uri.UnescapeDataString(batchId));
            return;
        }
        var append = context.Request.Method == "POST";
        if (segments is not [var rawId, "values", var rawRange] || append != rawRange.EndsWith(":append", StringComparison.Ordinal))
        {
            await WriteErrorAsync(context, 404, "Method not found.");
            return;
        }
        var id = Uri.UnescapeDataString(rawId);
        var rangeText = Uri.UnescapeDataString(append ? rawRange[..^":append".Length] : rawRange);
        var input = context.Request.Query["valueInputOption"].ToString();
        if (input is not ("RAW" or "USER_ENTERED"))
        {
            await WriteErrorAsync(context, 400, $"Invalid valueInputOption: {(input.Length == 0 ? "INPUT_VALUE_OPTION_UNSPECIFIED" : input)}");
            return;
        }
        JObject body;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            body = JObject.Parse(await reader.ReadToEndAsync());
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, "Invalid JSON payload received. " + e.Message);
            return;
        }
        (int Status, JObject Body) answer;
        lock (_gate)
        {
            answer = Write(id, rangeText, body, append, input == "USER_ENTERED", context.Request.Query["insertDataOption"].ToString() != "OVERWRITE");
        }
        await WriteJsonAsync(context, answer.Status, answer.Body);
    }

    /// <summary>
    /// <c>values.batchUpdate</c>: <c>valueInputOption</c> and <c>data</c> (ValueRanges) in the body; every range is
    /// checked before any is written, so a refused request changes nothing (as Google's, which is all or nothing).
    /// Answers <c>{spreadsheetId, totalUpdated…, responses[]}</c>, one UpdateValuesResponse per range, in order.
    /// </summary>
    private async Task HandleBatchUpdateAsync(HttpContext context, string id)
    {
        JObject body;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            body = JObject.Parse(await reader.ReadToEndAsync());
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, "Invalid JSON payload received. " + e.Message);
            return;
        }
        var input = body["valueInputOption"]?.ToString() ?? "";
        if (input is not ("RAW" or "USER_ENTERED"))
        {
            await WriteErrorAsync(context, 400, $"Invalid valueInputOption: {(input.Length == 0 ? "INPUT_VALUE_OPTION_UNSPECIFIED" : input)}");
            return;
        }
        (int Status, JObject Body) answer;
        lock (_gate)
        {
            answer = BatchUpdate(id, body["data"] as JArray ?? [], input == "USER_ENTERED");
        }
        await WriteJsonAsync(context, answer.Status, answer.Body);
    }

    private (int, JObject) BatchUpdate(string id, JArray data, bool userEntered)
    {
        if (Access(id) is { } refused) return refused;
        if (_readOnly.Contains(id)) return GoogleErrorEnvelope.Create(403, "The caller does not have permission");
        var writes = new List<(EmulatedSheet Sheet, A1Range Range, JArray Values)>();
        for (var i = 0; i < data.Count; i++)
        {
            var rangeText = data[i]["range"]?.ToString() ?? "";
            if (Locate(id, rangeText) is not { } located) return GoogleErrorEnvelope.Create(400, $"Invalid data[{i}]: Unable to parse range: {rangeText}");
            var values = data[i]["values"] as JArray ?? [];
            if (ValueWriter.CheckUpdate(located.Sheet, located.Range, values) is { } error) return GoogleErrorEnvelope.Create(400, $"Invalid data[{i}]: {error}");
            writes.Add((located.Sheet, located.Range, values));
        }
        var responses = new JArray();
        foreach (var (sheet, range, values) in writes)
        {
            var (written, _) = ValueWriter.Update(sheet, range, values, userEntered);
            written!.AddFirst(new JProperty("spreadsheetId", id));
            responses.Add(written);
        }
        return (200, new JObject
        {
            ["spreadsheetId"] = id,
            ["totalUpdatedRows"] = responses.Sum(r => r.Value<int>("updatedRows")),
            ["totalUpdatedColumns"] = responses.Sum(r => r.Value<int>("updatedColumns")),
            ["totalUpdatedCells"] = responses.Sum(r => r.Value<int>("updatedCells")),
            ["totalUpdatedSheets"] = writes.Select(w => w.Sheet).Distinct().Count(),
            ["responses"] = responses,
        });
    }

    private (int, JObject) Write(string id, string rangeText, JObject body, bool append, bool userEntered, bool insert)
    {
        if (Access(id) is { } refused) return refused;
        if (_readOnly.Contains(id)) return GoogleErrorEnvelope.Create(403, "The caller does not have permission");
        if (Locate(id, rangeText) is not { } located) return GoogleErrorEnvelope.Create(400, "Unable to parse range: " + rangeText);
        var (sheet, range) = located;
        if (body["range"]?.ToString() is { Length: > 0 } bodyRange && Locate(id, bodyRange) != (sheet, range))
        {
            return GoogleErrorEnvelope.Create(400, $"Invalid values[0][0]: the range in the request body ({bodyRange}) " +
                $"does not match the range in the URL ({rangeText})");
        }
        var values = body["values"] as JArray ?? [];
        if (append)
        {
            if (ValueWriter.CheckCells(values) is { } tooLong) return GoogleErrorEnvelope.Create(400, tooLong);
            var (updates, tableRange) = ValueWriter.Append(sheet, range, values, insert, userEntered);
            updates.AddFirst(new JProperty("spreadsheetId", id));
            var result = new JObject { ["spreadsheetId"] = id };
            if (tableRange is not null) result["tableRange"] = tableRange;
            result["updates"] = updates;
            return (200, result);
        }
        var (written, error) = ValueWriter.Update(sheet, range, values, userEntered);
        if (written is null) return GoogleErrorEnvelope.Create(400, error!);
        written.AddFirst(new JProperty("spreadsheetId", id));
        return (200, written);
    }

    /// <summary>The tab and cells an A1 range names, the way values.get reads it; null when it cannot be parsed.</summary>
    private (EmulatedSheet Sheet, A1Range Range)? Locate(string id, string rangeText)
    {
        var sheets = _spreadsheets[id];
        if (!A1Range.TrySplit(rangeText, out var sheetName, out var cells)) return null;
        if (sheetName is null && sheets.Any(s => s.Title == cells)) (sheetName, cells) = (cells, null);
        var sheet = sheetName is null ? sheets.FirstOrDefault() : sheets.FirstOrDefault(s => s.Title == sheetName);
        var range = cells is null ? new A1Range(sheetName, 1, 1, null, null) : A1Range.ParseCells(sheetName, cells);
        return sheet is null || range is null ? null : (sheet, range);
    }

    /// <summary>Google's answers to writes it will not take from this caller: an API key (no principal), or a token
    /// without a scope that allows writing.</summary>
    private (int Status, string Message, string? Reason)? AuthorizeWrite(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (401, "API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials " +
                "that assert a principal. See https://cloud.google.com/docs/authentication", "CREDENTIALS_MISSING");
        }
        return _tokens.HasAnyScope(authorization["Bearer ".Length..].Trim(), WriteScopes)
            ? null
            : (403, "Request had insufficient authentication scopes.", "ACCESS_TOKEN_SCOPE_INSUFFICIENT");
    }

    // The scopes values.append and values.update accept.
    private static readonly string[] WriteScopes =
    [
        "https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive", "https://www.googleapis.com/auth/drive.file",
    ];

    private (int Status, string Message, string? Reason)? Authorize(HttpContext context)
    {
        var key = context.Request.Query["key"].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return _tokens.IsValid(authorization["Bearer ".Length..].Trim())
                ? null
                : (401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid " +
                        "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", null);
        }
        if (key.Length == 0) return (403, "The request is missing a valid API key.", null);
        lock (_gate)
            return _apiKeys.Contains(key) ? null : (400, "API key not valid. Please pass a valid API key.", "API_KEY_INVALID");
    }

    private bool TakeQuota()
    {
        lock (_gate)
        {
            if (ReadQuotaPerMinute is not { } limit) return true;
            var now = DateTimeOffset.UtcNow;
            while (_reads.Count > 0 && now - _reads.Peek() >= TimeSpan.FromMinutes(1)) _reads.Dequeue();
            if (_reads.Count >= limit) return false;
            _reads.Enqueue(now);
            return true;
        }
    }

    private (int, JObject) GetSpreadsheet(string id, string fields)
    {
        if (Access(id) is { } refused) return refused;
        var sheets = new JArray(_spreadsheets[id].Select((s, i) => new JObject
        {
            ["properties"] = new JObject
            {
                ["sheetId"] = s.SheetId, ["title"] = s.Title, ["index"] = i, ["sheetType"] = "GRID",
                ["gridProperties"] = new JObject { ["rowCount"] = s.RowCount, ["columnCount"] = s.ColumnCount },
            },
        }));
        var (locale, timeZone) = _locales.TryGetValue(id, out var set) ? set : (DefaultLocale, DefaultTimeZone);
        var full = new JObject
        {
            ["spreadsheetId"] = id,
            ["properties"] = new JObject { ["title"] = id, ["locale"] = locale, ["timeZone"] = timeZone },
            ["sheets"] = sheets,
        };
        return (200, fields.Length == 0 ? full : Mask(full, fields));
    }

    /// <summary>
    /// A partial response: the parts of <paramref name="full"/> a <c>fields</c> mask names, one level deep
    /// ("properties(locale,timeZone)", "sheets.properties", "spreadsheetId"); deeper parts of a named part are kept whole.
    /// </summary>
    private static JObject Mask(JObject full, string fields)
    {
        var masked = new JObject();
        foreach (var entry in TopLevel(fields))
        {
            var open = entry.IndexOfAny(['(', '.']);
            var name = open < 0 ? entry : entry[..open];
            if (full[name] is not { } part) continue;
            var inner = open < 0 ? null : entry[open] == '(' ? entry[(open + 1)..].TrimEnd(')') : entry[(open + 1)..];
            if (part is JObject obj && inner is not null)
            {
                var target = masked[name] as JObject ?? [];
                foreach (var sub in TopLevel(inner).Select(f => f.Split('.', '(')[0]))
                    if (obj[sub] is { } value) target[sub] = value.DeepClone();
                masked[name] = target;
            }
            else masked[name] = part.DeepClone();
        }
        return masked;
    }

    /// <summary>The comma-separated entries of a fields mask, commas inside parentheses left alone.</summary>
    private static IEnumerable<string> TopLevel(string fields)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= fields.Length; i++)
        {
            if (i == fields.Length || (fields[i] == ',' && depth == 0))
            {
                if (fields[start..i].Trim() is { Length: > 0 } entry) yield return entry;
                start = i + 1;
            }
            else if (fields[i] == '(') depth++;
            else if (fields[i] == ')') depth--;
        }
    }

    private (int, JObject) GetValues(string id, string rangeText, string majorDimension)
    {
        if (Access(id) is { } refused) return refused;
        var sheets = _spreadsheets[id];
        var unparsable = GoogleErrorEnvelope.Create(400, "Unable to parse range: " + rangeText);
        if (!A1Range.TrySplit(rangeText, out var sheetName, out var cells)) return unparsable;
        // Without '!', a tab's name wins over cell notation; otherwise the cells are on the first tab.
        if (sheetName is null && sheets.Any(s => s.Title == cells)) (sheetName, cells) = (cells, null);
        var sheet = sheetName is null ? sheets.FirstOrDefault() : sheets.FirstOrDefault(s => s.Title == sheetName);
        var range = cells is null ? new A1Range(sheetName, 1, 1, null, null) : A1Range.ParseCells(sheetName, cells);
        if (sheet is null || range is null) return unparsable;
        var values = sheet.Values(range);
        if (majorDimension == "COLUMNS") values = Transpose(values);
        var body = new JObject { ["range"] = sheet.Echo(range), ["majorDimension"] = majorDimension == "COLUMNS" ? "COLUMNS" : "ROWS" };
        // Google leaves "values" out entirely when the range holds nothing.
        if (values.Count > 0) body["values"] = JArray.FromObject(values);
        return (200, body);
    }

    private (int, JObject)? Access(string id) =>
        !_spreadsheets.ContainsKey(id) ? GoogleErrorEnvelope.Create(404, "Requested entity was not found.")
        : _denied.Contains(id) ? GoogleErrorEnvelope.Create(403, "The caller does not have permission")
        : null;

    private static List<List<string>> Transpose(List<List<string>> rows)
    {
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var columns = Enumerable.Range(0, width).Select(c => rows.Select(r => c < r.Count ? r[c] : "").ToList()).ToList();
        foreach (var column in columns)
            while (column.Count > 0 && column[^1].Length == 0) column.RemoveAt(column.Count - 1);
        return columns;
    }

    private int Edit(string spreadsheetId, string sheetName, Func<EmulatedSheet, int> change)
    {
        lock (_gate) return change(Find(spreadsheetId, sheetName));
    }

    private EmulatedSheet Find(string spreadsheetId, string sheetName) =>
        (_spreadsheets.TryGetValue(spreadsheetId, out var sheets) ? sheets.FirstOrDefault(s => s.Title == sheetName) : null)
        ?? throw new InvalidOperationException($"no sheet '{sheetName}' in spreadsheet '{spreadsheetId}'; add it with AddSheet");

    private static Task WriteErrorAsync(HttpContext context, int code, string message, string? reason = null) =>
        WriteJsonAsync(context, code, GoogleErrorEnvelope.Create(code, message, reason).Body);

    private static Task WriteFaultAsync(HttpContext context, Fault fault)
    {
        if (fault.Kind == FaultKind.RateLimited) context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = fault.Message ?? fault.StatusCode switch
        {
            429 => "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service " +
                   "'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
            403 => "The caller does not have permission",
            404 => "Requested entity was not found.",
            401 => "Request had invalid authentication credentials.",
            503 => "The service is currently unavailable.",
            _ => "Internal error encountered.",
        };
        return WriteErrorAsync(context, fault.StatusCode, message);
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, JObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToString(Formatting.None));
    }
}
