using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>
/// Answers Google Sheets never documents, to inject with the emulator's fault plan: a 200 without what is read from
/// it. A source read must fail (and be tried again), a write step must hold its row; none may read as "no rows" or
/// as a written row.
/// </summary>
public static class MalformedAnswers
{
    /// <summary>For <c>values.get</c> (documented: a ValueRange, <c>{range, majorDimension, values?: string[][]}</c>), by name.</summary>
    public static IReadOnlyDictionary<string, Fault> ValuesGet { get; } = new Dictionary<string, Fault>(StringComparer.Ordinal)
    {
        ["range missing"] = Fault.Answer("""{"majorDimension": "ROWS", "values": [["Email"]]}"""),
        ["values an object"] = Fault.Answer("""{"range": "Contacts!A1:Z", "values": {"A1": "Email"}}"""),
        ["values not rows"] = Fault.Answer("""{"range": "Contacts!A1:Z", "values": ["Email", "Name"]}"""),
        ["a cell an object"] = Fault.Answer("""{"range": "Contacts!A1:Z", "values": [[{"v": "Email"}]]}"""),
        ["an array"] = Fault.Answer("""[["Email"]]"""),
        ["HTML from a proxy"] = Fault.Answer("<html><body>Sign in to continue</body></html>", contentType: "text/html"),
        ["empty body"] = Fault.Answer("", contentType: "text/plain"),
    };

    /// <summary>For <c>values.append</c> and <c>values.update</c>, by name.</summary>
    public static IReadOnlyDictionary<string, Fault> Write { get; } = new Dictionary<string, Fault>(StringComparer.Ordinal)
    {
        ["updates missing"] = Fault.Answer("""{"spreadsheetId": "x", "tableRange": "Log!A1:C4"}"""),
        ["updatedRange missing"] = Fault.Answer("""{"spreadsheetId": "x", "updates": {"updatedRows": 1}, "updatedRows": 1}"""),
        ["HTML from a proxy"] = Fault.Answer("<html><body>Sign in to continue</body></html>", contentType: "text/html"),
        ["empty body"] = Fault.Answer("", contentType: "text/plain"),
    };

    public static Fault[] All => [.. ValuesGet.Values, .. Write.Values];
}
