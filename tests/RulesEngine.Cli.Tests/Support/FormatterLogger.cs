using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RulesEngine.Cli.Tests.Support;

/// <summary>A logger that writes every entry through a console formatter into a writer, synchronously, with real
/// scopes: what the console logger does, minus its background queue.</summary>
internal sealed class FormatterLogger(ConsoleFormatter formatter, string category, TextWriter writer) : ILogger
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> format)
    {
        lock (writer) formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, format), _scopes, writer);
    }
}
