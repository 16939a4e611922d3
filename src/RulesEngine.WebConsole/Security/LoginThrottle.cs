using System.Collections.Concurrent;

namespace RulesEngine.WebConsole.Security;

/// <summary>
/// Slows down guessing: after <see cref="MaxFailures"/> wrong tokens from one address within <see cref="Window"/>, that
/// address is refused (429) until the window since its first failure has passed; a right token clears its count.
/// Checked before the token is compared, so a refused address learns nothing. Time is injected.
/// </summary>
internal sealed class LoginThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Addresses kept at most; past it the oldest windows are dropped (a flood of addresses cannot grow memory).</summary>
    private const int MaxAddresses = 10_000;

    private readonly ConcurrentDictionary<string, (DateTimeOffset Since, int Failures)> _failures = new(StringComparer.Ordinal);

    /// <summary>True when the address may try now; false: refuse it, with how long until it may try again.</summary>
    public bool MayTry(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(address, out var entry)) return true;
        var until = entry.Since + Window;
        var now = clock.GetUtcNow();
        if (now >= until)
        {
            _failures.TryRemove(address, out _);
            return true;
        }
        if (entry.Failures < MaxFailures) return true;
        retryAfter = until - now;
        return false;
    }

    public void Failed(string address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count >= MaxAddresses)
            foreach (var stale in _failures.Where(f => now >= f.Value.Since + Window).Select(f => f.Key).ToList()) _failures.TryRemove(stale, out _);
        _failures.AddOrUpdate(address, (now, 1), (_, e) => now >= e.Since + Window ? (now, 1) : (e.Since, e.Failures + 1));
    }

    public void Succeeded(string address) => _failures.TryRemove(address, out _);
}
