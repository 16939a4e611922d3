using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// Answers HelpCrunch never documents, to inject with the emulator's fault plan (<c>Faults.FailNext</c>,
/// <c>FailRandomly</c>): a success status whose body lacks what a step acts on. Each must hold the row (the service
/// misbehaved), never read as "no contact" (which routes to create) nor as a contact with a made-up id. Every
/// answer is 200, so nothing was done by the emulator itself.
/// </summary>
public static class MalformedAnswers
{
    /// <summary>For <c>POST /customers/search</c> (documented: <c>{"data":[Customer…],"total":N}</c>), by name.</summary>
    public static IReadOnlyDictionary<string, Fault> Search { get; } = new Dictionary<string, Fault>(StringComparer.Ordinal)
    {
        ["total without data"] = Fault.Answer("""{"total": 1}"""),
        ["data an object"] = Fault.Answer("""{"data": {"id": 1}, "total": 1}"""),
        ["data null"] = Fault.Answer("""{"data": null, "total": 0}"""),
        ["id null"] = Fault.Answer("""{"data": [{"id": null, "email": "ann@example.com"}], "total": 1}"""),
        ["id missing"] = Fault.Answer("""{"data": [{"email": "ann@example.com"}], "total": 1}"""),
        ["id 1e999"] = Fault.Answer("""{"data": [{"id": 1e999, "email": "ann@example.com"}], "total": 1}"""),
        ["id a fraction"] = Fault.Answer("""{"data": [{"id": 1.5, "email": "ann@example.com"}], "total": 1}"""),
        ["id negative"] = Fault.Answer("""{"data": [{"id": -4, "email": "ann@example.com"}], "total": 1}"""),
        ["id beyond 64 bits"] = Fault.Answer("""{"data": [{"id": 123456789012345678901234567890, "email": "ann@example.com"}], "total": 1}"""),
        ["id text"] = Fault.Answer("""{"data": [{"id": "abc", "email": "ann@example.com"}], "total": 1}"""),
        ["id an object"] = Fault.Answer("""{"data": [{"id": {"value": 1}}], "total": 1}"""),
        ["item not an object"] = Fault.Answer("""{"data": [42], "total": 1}"""),
        ["total contradicts empty data"] = Fault.Answer("""{"data": [], "total": 1}"""),
        ["total smaller than data"] = Fault.Answer("""{"data": [{"id": 5}, {"id": 6}], "total": 1}"""),
        ["total 1e999"] = Fault.Answer("""{"data": [], "total": 1e999}"""),
        ["total text"] = Fault.Answer("""{"data": [], "total": "many"}"""),
        ["root null"] = Fault.Answer("null"),
        ["root a string"] = Fault.Answer("\"ok\""),
        ["trailing garbage"] = Fault.Answer("""{"data": [], "total": 0} <!-- cached -->"""),
        ["HTML from a proxy"] = Fault.Answer("<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html"),
        ["empty body"] = Fault.Answer("", contentType: "text/plain"),
        ["truncated JSON"] = Fault.Answer("""{"data": [{"id": 5, "em"""),
    };

    /// <summary>For the calls answered with a customer (<c>POST /customers</c>, <c>GET</c>/<c>PATCH /customers/{id}</c>,
    /// tags), by name.</summary>
    public static IReadOnlyDictionary<string, Fault> Customer { get; } = new Dictionary<string, Fault>(StringComparer.Ordinal)
    {
        ["empty object"] = Fault.Answer("{}", 201),
        ["id null"] = Fault.Answer("""{"id": null, "email": "ann@example.com"}""", 201),
        ["id 1e999"] = Fault.Answer("""{"id": 1e999, "email": "ann@example.com"}""", 201),
        ["id zero"] = Fault.Answer("""{"id": 0, "email": "ann@example.com"}""", 201),
        ["an array"] = Fault.Answer("""[{"id": 5}]""", 201),
        ["HTML from a proxy"] = Fault.Answer("<html><body>Service Unavailable</body></html>", 200, "text/html"),
        ["empty body"] = Fault.Answer("", 201, "text/plain"),
    };

    /// <summary>Every malformed answer: for a random soak over all endpoints (each is malformed for any of them).</summary>
    public static Fault[] All => [.. Search.Values, .. Customer.Values];
}
