using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RulesEngine.Core.Tests.Support;

/// <summary>One line as a log provider receives it: the level, the message template, the formatted text and the
/// key/value scopes it was written inside (inner scopes win on a repeated key).</summary>
internal sealed record LogLine(LogLevel Level, string Template, string Message, IReadOnlyDictionary<string, object?> Scopes)
{
    public object? Scope(string key) => Scopes.GetValueOrDefault(key);
}

/// <summary>
/// Keeps every line with its scopes (kept the way the host's providers keep them, in an async-local scope chain) and
/// lets a test wait for a line instead of sleeping.
/// </summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly LoggerExternalScopeProvider _scopes = new();
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly List<(Func<LogLine, bool> Match, TaskCompletionSource<LogLine> Seen)> _waiters = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => _scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var scopes = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.ForEachScope((scope, into) =>
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                foreach (var (key, value) in pairs) into[key] = value;
        }, scopes);
        var template = state is IEnumerable<KeyValuePair<string, object?>> values
            ? values.FirstOrDefault(v => v.Key == "{OriginalFormat}").Value as string ?? ""
            : "";
        var line = new LogLine(logLevel, template, formatter(state, exception), scopes);
        lock (_gate)
        {
            _lines.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    /// <summary>The first line that matches, already written or still to come; fails after <paramref name="patience"/>.</summary>
    public async Task<LogLine> WaitForAsync(Func<LogLine, bool> match, TimeSpan patience, string what)
    {
        var seen = new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.FirstOrDefault(match) is { } written) return written;
            _waiters.Add((match, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no log line for {what} within {patience.TotalSeconds:0} s; lines: {string.Join(" | ", Lines.Select(l => l.Message))}");
            throw;
        }
    }
}
