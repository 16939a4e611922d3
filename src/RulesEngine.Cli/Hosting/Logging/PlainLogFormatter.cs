using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using RulesEngine.Cli.Output;
using RulesEngine.Core.Connections;

namespace RulesEngine.Cli.Hosting.Logging;

/// <summary>
/// One line per event for people and journald:
/// <c>2026-12-04 22:46:38.123Z warn RulesEngine.Runs [flow=contacts run=20261204-... row=3] Row 3 held, ...</c>.
/// Messages carry sheet cells and service answers: secrets are redacted and control and bidi characters escaped,
/// and an exception's stack stays on the same line (escaped line breaks), so one event is always one line.
/// </summary>
internal sealed class PlainLogFormatter(TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "rulesengine-plain";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception) ?? "";
        if (message.Length == 0 && logEntry.Exception is null) return;
        var line = new System.Text.StringBuilder(160)
            .Append(clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            .Append(' ').Append(Level(logEntry.LogLevel))
            .Append(' ').Append(logEntry.Category);
        var (values, texts) = LogScopes.Collect(scopeProvider);
        if (values.Count + texts.Count > 0)
        {
            var scope = values.Select(v => $"{v.Key}={LogScopes.Text(v.Value)}").Concat(texts);
            line.Append(" [").Append(Safe(string.Join(" ", scope))).Append(']');
        }
        line.Append(' ').Append(Safe(message));
        if (logEntry.Exception is { } exception) line.Append(" | ").Append(Safe(exception.ToString()));
        textWriter.Write(line.Append(Environment.NewLine).ToString());
    }

    private static string Safe(string text) => TerminalText.Escape(SecretRedactor.Redact(text));

    /// <summary>The same four-letter levels as the stock console formatter, so existing greps keep working.</summary>
    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
