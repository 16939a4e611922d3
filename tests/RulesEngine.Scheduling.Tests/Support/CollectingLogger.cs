using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>Keeps every formatted message, and signals each new one, so a test can wait for a line instead of sleeping.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly ConcurrentQueue<string> _messages = new();
    private readonly SemaphoreSlim _logged = new(0);

    public IReadOnlyList<string> Messages => [.. _messages];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _messages.Enqueue(formatter(state, exception));
        _logged.Release();
    }

    /// <summary>Waits (up to a minute) until a message contains <paramref name="text"/>.</summary>
    public async Task WaitForAsync(string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!Messages.Any(m => m.Contains(text, StringComparison.Ordinal)))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _logged.WaitAsync(left))
                Assert.Fail($"no message with \"{text}\" within a minute: {string.Join(" | ", Messages)}");
        }
    }
}
