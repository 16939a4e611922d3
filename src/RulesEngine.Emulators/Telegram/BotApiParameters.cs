using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RulesEngine.Connectors.Telegram.Emulator;

/// <summary>
/// A Bot API call's parameters, merged the way the real server accepts them: query string first, then a JSON,
/// form-urlencoded or multipart body. Values are kept as text; an object value (link_preview_options) as its JSON.
/// </summary>
internal sealed class BotApiParameters
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private BotApiParameters()
    {
    }

    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Null when the body is not valid JSON although it says it is.</summary>
    public static async Task<BotApiParameters?> ReadAsync(HttpRequest request)
    {
        var parameters = new BotApiParameters();
        foreach (var (key, value) in request.Query) parameters._values[key] = value.ToString();
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
                if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    parameters._values[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString() ?? "",
                        JsonValueKind.Null => "",
                        _ => property.Value.GetRawText(),
                    };
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync().ConfigureAwait(false);
            foreach (var (key, value) in form) parameters._values[key] = value.ToString();
        }
        return parameters;
    }

    /// <summary>Whether link previews were switched off, by <c>link_preview_options.is_disabled</c> or the legacy flag.</summary>
    public bool LinkPreviewDisabled()
    {
        if (this["link_preview_options"] is { Length: > 0 } options)
        {
            try
            {
                using var document = JsonDocument.Parse(options);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("is_disabled", out var disabled)
                    && disabled.ValueKind == JsonValueKind.True;
            }
            catch (JsonException)
            {
                return false;
            }
        }
        return string.Equals(this["disable_web_page_preview"], "true", StringComparison.OrdinalIgnoreCase);
    }
}
