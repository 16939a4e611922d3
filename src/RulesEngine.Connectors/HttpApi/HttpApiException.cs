using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>
/// A request that got no usable answer. <see cref="Transient"/>: no answer at all (refused or dropped connection, a
/// timeout) after every retry, so the item is held; false: the request could not be made (a header value with a line
/// break). The message never holds a credential.
/// </summary>
public sealed class HttpApiException(string message, bool transient, Exception? inner = null)
    : Exception(SecretRedactor.Redact(message), inner)
{
    public bool Transient { get; } = transient;

    /// <summary>True when an attempt may have reached the server (the request went out and no answer came back).</summary>
    public bool MayHaveActed { get; init; }

    public override string ToString() => SecretRedactor.Redact(base.ToString());
}
