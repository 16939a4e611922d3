namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>How a request proves who is reading: an API key or a service account's bearer token.</summary>
internal abstract class SheetsAuthorization
{
    /// <summary>Adds the credential to <paramref name="request"/>; <paramref name="refresh"/> asks for a new token
    /// (after a 401 on a token that looked valid).</summary>
    public abstract Task AuthorizeAsync(HttpRequestMessage request, bool refresh, CancellationToken cancellationToken);

    /// <summary>Whether a 401 may be cured by fetching a new token.</summary>
    public abstract bool CanRefresh { get; }

    /// <summary>What to do about a 403 PERMISSION_DENIED.</summary>
    public abstract string PermissionHint { get; }

    /// <summary>What to do about a 403 PERMISSION_DENIED on a write.</summary>
    public virtual string WritePermissionHint => PermissionHint;

    /// <summary>What to do when the credential itself is rejected.</summary>
    public abstract string InactiveHint { get; }
}
