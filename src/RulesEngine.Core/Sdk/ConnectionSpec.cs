namespace RulesEngine.Sdk;

/// <summary>
/// The declared shape of a connection type, kept beside its connector's code like a step's <c>StepSpec</c>: its
/// settings and the rules that tie settings together. It drives checking and
/// reading the connections file, <c>list</c>, the tables in docs/receivers.md and schema/connections.schema.json.
/// </summary>
public sealed record ConnectionSpec(string Type, string Summary, IReadOnlyList<ConnectionField> Fields)
{
    /// <summary>Keys every connection may have, whatever its type.</summary>
    public static readonly IReadOnlyList<string> CommonFields = ["type", "comment", "$comment"];

    /// <summary>Groups of settings of which exactly one must be given (Google: an API key or a service account key).</summary>
    public IReadOnlyList<IReadOnlyList<string>> ExactlyOneOf { get; init; } = [];

    /// <summary>Groups of settings given all together or not at all (SMTP: username and password).</summary>
    public IReadOnlyList<IReadOnlyList<string>> AllOrNone { get; init; } = [];

    /// <summary>The request <c>rulesengine connections test</c> makes, for people (e.g. "getMe"); null when the type
    /// has no self-test.</summary>
    public string? SelfTest { get; init; }

    /// <summary>The declared field of that name, or null.</summary>
    public ConnectionField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}
