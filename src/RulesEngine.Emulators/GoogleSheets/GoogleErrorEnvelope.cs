using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>Google's error body: <c>{"error":{"code":403,"message":"…","status":"PERMISSION_DENIED","details":[…]}}</c>,
/// with the HTTP status equal to <c>code</c>.</summary>
internal static class GoogleErrorEnvelope
{
    public static (int Status, JObject Body) Create(int code, string message, string? reason = null)
    {
        var error = new JObject { ["code"] = code, ["message"] = message, ["status"] = StatusName(code) };
        if (reason is not null)
        {
            error["details"] = new JArray(new JObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo", ["reason"] = reason, ["domain"] = "googleapis.com",
            });
        }
        return (code, new JObject { ["error"] = error });
    }

    public static string StatusName(int code) => code switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };
}
