using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Turns an error answer into one line people can act on, e.g.
/// <c>HelpCrunch 400 invalid_userId_value: User id is already taken</c>. The whole <c>errors[]</c> array is read:
/// the docs show the specific code both first and after a generic <c>invalid_request</c>.
/// </summary>
internal static class HelpCrunchErrors
{
    private const string Generic = "invalid_request";
    private const int MaxBodyInText = 300;

    public static (string Text, IReadOnlyList<string> Codes) Describe(int status, string body)
    {
        var entries = Parse(body);
        var codes = entries.Select(e => e.Code).Where(c => c.Length > 0).ToList();
        string detail;
        if (entries.Count == 0)
        {
            var snippet = body.Trim();
            if (snippet.Length > MaxBodyInText) snippet = snippet[..MaxBodyInText] + "…";
            detail = snippet.Length == 0 ? Reason(status) : snippet;
        }
        else
        {
            // The specific entries say what is wrong; the generic one only when it is all there is.
            var specific = entries.Where(e => !string.Equals(e.Code, Generic, StringComparison.OrdinalIgnoreCase)).ToList();
            detail = string.Join("; ", (specific.Count > 0 ? specific : entries).Select(Format));
        }
        return (SecretRedactor.Redact($"HelpCrunch {status} {detail}"), codes);
    }

    public static bool IsTransient(int status) => status is 408 or 429 || status >= 500;

    private static string Format((string Code, string Message) e) =>
        e.Code.Length == 0 ? e.Message : e.Message.Length == 0 ? e.Code : $"{e.Code}: {e.Message}";

    private static List<(string Code, string Message)> Parse(string body)
    {
        var result = new List<(string, string)>();
        JToken root;
        try
        {
            root = JToken.Parse(body);
        }
        catch (JsonException)
        {
            return result;
        }
        if (root is not JObject obj) return result;
        switch (obj["errors"])
        {
            case JArray array:
                foreach (var item in array)
                {
                    if (item is JObject e) result.Add((Str(e["code"]), Str(e["message"])));
                    else if (item.Type == JTokenType.String) result.Add(("", item.ToString()));
                }
                break;
            case JObject map: // tolerate {"errors": {"field": "message"}}
                foreach (var p in map.Properties()) result.Add((p.Name, Str(p.Value)));
                break;
        }
        if (result.Count == 0 && (obj["message"] ?? obj["error"]) is { } message)
            result.Add((Str(obj["code"]), Str(message)));
        return result;
    }

    private static string Str(JToken? token) => token is null || token.Type == JTokenType.Null ? "" : token.ToString(Formatting.None).Trim('"');

    private static string Reason(int status) => status switch
    {
        401 => "unauthorized",
        404 => "not found",
        429 => "too many requests",
        _ => "error",
    };
}
