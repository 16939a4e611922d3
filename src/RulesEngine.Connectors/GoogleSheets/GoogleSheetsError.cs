using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// Reads Google's error envelope (<c>{"error":{"code","message","status"}}</c>) and says what the user can do
/// about it: "Google Sheets 403 PERMISSION_DENIED: The caller does not have permission — share the sheet with …".
/// </summary>
internal static class GoogleSheetsError
{
    public static GoogleSheetsException From(HttpResponseMessage response, string body, SheetsAuthorization authorization, bool write = false)
    {
        var code = (int)response.StatusCode;
        string status = response.ReasonPhrase?.ToUpperInvariant().Replace(' ', '_') ?? "";
        string message = "";
        string reasons = "";
        try
        {
            if (JToken.Parse(body) is JObject { } json && json["error"] is JObject error)
            {
                status = error["status"]?.ToString() ?? status;
                message = error["message"]?.ToString() ?? "";
                // ErrorInfo details name the exact cause, e.g. API_KEY_INVALID or RATE_LIMIT_EXCEEDED.
                reasons = string.Join(",", (error["details"] as JArray ?? []).Select(d => d["reason"]?.ToString()).Where(r => r is not null));
            }
        }
        catch (JsonReaderException)
        {
            // An HTML error page from a proxy or load balancer: keep a little of it.
            message = GoogleSheetsClient.Shorten(body.Trim());
        }

        var apiKeyInvalid = reasons.Contains("API_KEY_INVALID", StringComparison.Ordinal)
            || message.Contains("API key not valid", StringComparison.OrdinalIgnoreCase);
        // A write with an API key gets 401 too, but the key is fine: API keys simply cannot write.
        var keyCannotWrite = message.Contains("API keys are not supported", StringComparison.OrdinalIgnoreCase)
            || reasons.Contains("CREDENTIALS_MISSING", StringComparison.Ordinal);
        var inactive = (code == 401 || apiKeyInvalid) && !keyCannotWrite;
        var transient = code is 429 or 408 or >= 500;
        var hint = code switch
        {
            _ when keyCannotWrite => ApiKeyAuthorization.ApiKeyCannotWrite,
            _ when inactive => authorization.InactiveHint,
            403 when reasons.Contains("ACCESS_TOKEN_SCOPE_INSUFFICIENT", StringComparison.Ordinal) =>
                $"the access token lacks the scope {ServiceAccountAuthorization.WriteScope}, which writing needs",
            400 when message.StartsWith("Unable to parse range", StringComparison.Ordinal) =>
                "check the sheet (tab) name: it must match a tab of the spreadsheet exactly",
            403 when message.Contains("has not been used", StringComparison.Ordinal) || message.Contains("is disabled", StringComparison.Ordinal) =>
                "enable the Google Sheets API for the project in Google Cloud Console (APIs & Services → Library)",
            403 => write ? authorization.WritePermissionHint : authorization.PermissionHint,
            404 => "check spreadsheetId: it is the long id in the sheet's address, between /d/ and /edit",
            429 when write => "the write quota is used up (60 writes a minute per user); lower \"writesPerMinute\"",
            429 => "the read quota is used up (60 reads a minute per user); poll less often or lower \"readsPerMinute\"",
            >= 500 => $"Google Sheets is having trouble; the {(write ? "write" : "read")} is tried again later",
            _ => "",
        };
        var text = $"Google Sheets {code} {status}: {(message.Length > 0 ? message : "(no message)")}{(hint.Length > 0 ? " — " + hint : "")}";
        var retryAfter = ServiceResilience.RetryAfter(response, TimeProvider.System);
        return new GoogleSheetsException(text, code, status, transient, inactive,
            retryAfter is { } r && r > TimeSpan.Zero ? r : null);
    }
}
