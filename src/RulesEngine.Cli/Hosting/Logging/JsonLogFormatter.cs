using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using RulesEngine.Cli.Output;
using RulesEngine.Core.Connections;

namespace RulesEngine.Cli.Hosting.Logging;

/// <summary>
/// <c>--json-logs</c>: one JSON object per line, in the CLI's JSON convention (camelCase keys, docs/json-output.md):
/// <c>{"timestamp", "level", "category", "eventId", "message", "scopes": {"flow", "run", "row"}, "state": {...},
/// "exception"}</c>. <c>state</c> holds the message's named values (<c>{Row}</c> becomes <c>"row"</c>). Strings are
/// redacted; the JSON encoder escapes every control, bidi and non-ASCII character, so a line is safe on a terminal.
/// </summary>
internal sealed class JsonLogFormatter(TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "rulesengine-json";

    private const string TemplateKey = "{OriginalFormat}";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (message.Length == 0 && logEntry.Exception is null) return;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", CliJson.Name(logEntry.LogLevel.ToString()));
            json.WriteString("category", logEntry.Category);
            json.WriteNumber("eventId", logEntry.EventId.Id);
            json.WriteString("message", SecretRedactor.Redact(message));
            var (values, texts) = LogScopes.Collect(scopeProvider);
            if (values.Count + texts.Count > 0)
            {
                json.WriteStartObject("scopes");
                WriteValues(json, values);
                if (texts.Count > 0)
                {
                    json.WriteStartArray("text");
                    foreach (var text in texts) json.WriteStringValue(SecretRedactor.Redact(text));
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            if (logEntry.State is IEnumerable<KeyValuePair<string, object?>> state)
            {
                var named = state.ToList();
                if (named.Any(p => p.Key != TemplateKey))
                {
                    json.WriteStartObject("state");
                    WriteValues(json, named.Where(p => p.Key != TemplateKey));
                    json.WriteEndObject();
                }
                if (named.FirstOrDefault(p => p.Key == TemplateKey).Value is string template)
                    json.WriteString("template", template);
            }
            if (logEntry.Exception is { } exception) json.WriteString("exception", SecretRedactor.Redact(exception.ToString()));
            json.WriteEndObject();
        }
        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>Named values with camelCase keys (a name that is already taken in camelCase is written once);
    /// numbers and booleans stay numbers and booleans.</summary>
    private static void WriteValues(Utf8JsonWriter json, IEnumerable<KeyValuePair<string, object?>> values)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var name = CliJson.Name(key);
            if (!written.Add(name)) continue;
            switch (value)
            {
                case null: json.WriteNull(name); break;
                case bool b: json.WriteBoolean(name, b); break;
                case int i: json.WriteNumber(name, i); break;
                case long l: json.WriteNumber(name, l); break;
                case double d when double.IsFinite(d): json.WriteNumber(name, d); break;
                case decimal m: json.WriteNumber(name, m); break;
                default: json.WriteString(name, SecretRedactor.Redact(LogScopes.Text(value))); break;
            }
        }
    }
}
