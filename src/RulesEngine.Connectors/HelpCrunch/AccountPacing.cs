using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// One request budget per HelpCrunch account in this process. HelpCrunch counts its limit (120 requests a minute) per
/// account, so every client of one account (every flow, every connection entry naming the same API key and base URL)
/// waits on the same sliding window instead of each pacing itself to the whole limit and, together, being refused
/// with 429s. When connections of one account set different <c>requestsPerMinute</c>, the lowest applies to all.
/// The budget lives while a client of the account does (<see cref="Join"/> / <see cref="Leave"/>). Another process
/// (a second cluster node) has its own: see docs/receivers.md for what it does about that.
/// </summary>
internal sealed class AccountPacing : RateLimiter
{
    private static readonly Dictionary<string, AccountPacing> Accounts = new(StringComparer.Ordinal);
    private static readonly object Gate = new();

    private readonly string _account;
    private readonly List<RateLimiter> _retired = [];
    private RateLimiter _window;
    private int _users;

    private AccountPacing(string account, int perMinute)
    {
        _account = account;
        PerMinute = perMinute;
        _window = Window(perMinute);
    }

    /// <summary>The budget's limit: the lowest any client of the account asked for.</summary>
    public int PerMinute { get; private set; }

    /// <summary>The account's budget, made tighter if <paramref name="perMinute"/> is below it. Call <see cref="Leave"/>
    /// when the client is disposed.</summary>
    public static AccountPacing Join(string baseUrl, string apiKey, int perMinute)
    {
        var account = AccountOf(baseUrl, apiKey);
        lock (Gate)
        {
            if (!Accounts.TryGetValue(account, out var pacing)) Accounts[account] = pacing = new AccountPacing(account, perMinute);
            else if (perMinute < pacing.PerMinute)
            {
                // Calls already waiting on the old window finish there; new ones wait on the tighter one.
                pacing._retired.Add(pacing._window);
                Volatile.Write(ref pacing._window, Window(perMinute));
                pacing.PerMinute = perMinute;
            }
            pacing._users++;
            return pacing;
        }
    }

    public void Leave()
    {
        lock (Gate)
        {
            if (--_users > 0) return;
            Accounts.Remove(_account);
            _window.Dispose();
            foreach (var retired in _retired) retired.Dispose();
        }
    }

    /// <summary>The key of an account: where it is reached and a hash of its API key (the key itself is not kept
    /// here twice, nor shown by a debugger's view of this table).</summary>
    private static string AccountOf(string baseUrl, string apiKey) =>
        baseUrl.TrimEnd('/').ToUpperInvariant() + " " + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    /// <summary>Exact, like HelpCrunch's own count: a permit comes back one minute after it was spent, not up to a
    /// segment earlier (<see cref="ExactWindowLimiter"/>).</summary>
    private static ExactWindowLimiter Window(int perMinute) => new(perMinute, TimeSpan.FromMinutes(1), TimeProvider.System);

    public override TimeSpan? IdleDuration => Volatile.Read(ref _window).IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => Volatile.Read(ref _window).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Volatile.Read(ref _window).AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        Volatile.Read(ref _window).AcquireAsync(permitCount, cancellationToken);
}
