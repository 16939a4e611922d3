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

    /// <summary>Takes the lease from <paramref name="deadHolder"/>, a holder known to be gone (its process ended),
    /// only if it still holds it. True when taken.</summary>
    bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now);

    /// <summary>Extends a lease this owner holds (long runs renew it while they work).</summary>
    void RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    void ReleaseLease(string flow, string owner);
}
