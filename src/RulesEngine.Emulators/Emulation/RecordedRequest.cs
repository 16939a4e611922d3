namespace RulesEngine.Emulation;

/// <summary>One request an emulator received, kept so tests can assert on exactly what a client sent.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    string Body,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset ReceivedAt,
    int? FaultStatus);
