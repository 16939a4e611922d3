namespace RulesEngine.Core.State;

/// <summary>One run of a flow at a time, across processes sharing the state. Times come from the caller's clock.</summary>
internal interface IRunLeases
{
    /// <summary>
    /// Takes the flow's run lease for <paramref name="owner"/> unless another owner holds an unexpired one, so two
    /// processes never run the same flow at once. A crashed holder's lease expires after <paramref name="ttl"/>.
    /// Returns the current holder when the lease could not be taken, null when it was.
    /// </summary>
    string? TryAcquireLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    /// <summary>Takes the lease from <paramref name="deadHolder"/>, a holder known to be gone (its process ended, or its
    /// node stopped checking in), only if it still holds it and, when <paramref name="unrenewedFor"/> is given, has not
    /// renewed it for at least that long (its expiry is at or before <c>now - unrenewedFor + ttl</c>: every holder of
    /// a flow's lease renews it with the same <paramref name="ttl"/>). True when taken, or already ours.</summary>
    bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now, TimeSpan? unrenewedFor = null);

    /// <summary>Extends a lease this owner holds (long runs renew it while they work). False when the lease is no
    /// longer this owner's (another owner took it, or it was released): the caller must stop acting under it. A lease
    /// that expired but that nobody took is still this owner's, and is extended.</summary>
    bool RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    void ReleaseLease(string flow, string owner);
}
