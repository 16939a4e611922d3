using System.Text.RegularExpressions;

namespace RulesEngine.Core.Connections;

/// <summary>
/// The <c>${env:NAME}</c> and <c>${file:path}</c> references of a connections file. Anything else that starts with
/// <c>${</c> is an error, never a literal secret: <c>${ENV:X}</c>, <c>${env:}</c> or an unterminated <c>${env:X</c>
/// used as a password would fail far from the typo, with the typo sent to the service.
/// </summary>
internal static partial class SecretReference
{
    public const string Environment = "env";
    public const string File = "file";

    /// <summary>One piece of a value: literal text, or a reference (<see cref="Kind"/> "env" or "file").</summary>
    public readonly record struct Part(string? Kind, string Text, int Index);

    /// <summary>
    /// Splits <paramref name="value"/> into literal text and references. Returns false with the index of the
    /// malformed reference and what is wrong with it. With <paramref name="reveal"/> false (a secret setting) the
    /// message quotes nothing of the value but a variable name: a literal secret may contain "${".
    /// </summary>
    public static bool TryParse(string value, out IReadOnlyList<Part> parts, out int errorIndex, out string error, bool reveal = true)
    {
        string Show(string text) => reveal ? Shorten(text) : "…";
        var list = new List<Part>();
        parts = list;
        errorIndex = -1;
        error = "";
        var literalStart = 0;
        var at = value.IndexOf("${", StringComparison.Ordinal);
        while (at >= 0)
        {
            if (at > literalStart) list.Add(new Part(null, value[literalStart..at], literalStart));
            var close = value.IndexOf('}', at + 2);
            if (close < 0)
                return Fail(at, $"the reference '{Show(value[at..])}' has no closing '}}'; write ${{env:NAME}} or ${{file:path}}", out errorIndex, out error);
            var body = value[(at + 2)..close];
            var colon = body.IndexOf(':');
            var kind = colon < 0 ? body : body[..colon];
            var what = colon < 0 ? "" : body[(colon + 1)..];
            if (colon < 0 || kind is not (Environment or File))
            {
                var hint = kind.Equals(Environment, StringComparison.OrdinalIgnoreCase) || kind.Equals(File, StringComparison.OrdinalIgnoreCase)
                    ? $" (write '{kind.ToLowerInvariant()}' in lower case: ${{{kind.ToLowerInvariant()}:{what}}})"
                    : "";
                return Fail(at, $"'${{{Show(body)}}}' is not a reference: write ${{env:NAME}} or ${{file:path}}{hint}", out errorIndex, out error);
            }
            if (kind == Environment && !VariableName().IsMatch(what))
            {
                var problem = what.Length == 0 ? "names no variable" : $"names '{Show(what)}', which is not a variable name (letters, digits and _, not starting with a digit)";
                return Fail(at, $"'${{env:{Show(what)}}}' {problem}", out errorIndex, out error);
            }
            if (kind == File && string.IsNullOrWhiteSpace(what))
                return Fail(at, "'${file:}' names no file; write ${file:path} (relative to the connections file)", out errorIndex, out error);
            list.Add(new Part(kind, what, at));
            literalStart = close + 1;
            at = value.IndexOf("${", literalStart, StringComparison.Ordinal);
        }
        if (literalStart < value.Length) list.Add(new Part(null, value[literalStart..], literalStart));
        return true;
    }

    public static bool HasReference(string value) => value.Contains("${", StringComparison.Ordinal);

    private static bool Fail(int index, string message, out int errorIndex, out string error)
    {
        errorIndex = index;
        error = message;
        return false;
    }

    /// <summary>Keeps messages one line long when a huge value holds a broken reference.</summary>
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
