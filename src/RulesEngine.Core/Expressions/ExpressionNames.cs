using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The names one <see cref="ExpressionContext"/> offers to expressions and the C# that reads each one:
/// <c>Row</c>, <c>Run</c>, every earlier step id and every declared field (under a C# identifier). Precedence
/// when two collide: Row/Run, then steps, then fields (a shadowed field stays reachable as <c>Row["Name"]</c>).
/// </summary>
internal sealed class ExpressionNames
{
    private const string Scope = "__scope";

    private readonly Dictionary<string, Name> _byIdentifier = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _laterSteps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fields;

    public ExpressionNames(ExpressionContext context)
    {
        _fields = new HashSet<string>(context.Fields ?? [], StringComparer.Ordinal);
        Add("Row", new Name("Row", $"{Scope}.Row", "the row"));
        Add("Run", new Name("Run", $"{Scope}.Run", "the run"));
        foreach (var step in context.EarlierSteps)
            Add(Identifier(step), new Name(Identifier(step), $"{Scope}.Step({Literal(step)})", $"step '{step}'"));
        foreach (var field in context.Fields ?? [])
            Add(Identifier(field), new Name(Identifier(field), $"{Scope}.Row[{Literal(field)}]", $"field \"{field}\""));
        foreach (var step in context.LaterSteps)
            _laterSteps.TryAdd(Identifier(step), step);
    }

    /// <summary>A usable name: <paramref name="Code"/> is the declaration's identifier as written in C#
    /// (keywords get '@'), <paramref name="Read"/> the C# that reads its value.</summary>
    public sealed record Name(string Code, string Read, string Description);

    public bool IsField(string text) => _fields.Contains(text);

    /// <summary>The local for an identifier token's value text, or null when the context has no such name.</summary>
    public Name? Find(string valueText) => _byIdentifier.GetValueOrDefault(valueText);

    /// <summary>The id of a later step that this identifier names, or null.</summary>
    public string? LaterStep(string valueText) => _byIdentifier.ContainsKey(valueText) ? null : _laterSteps.GetValueOrDefault(valueText);

    /// <summary>The closest known name to an unknown one (by edit distance, ignoring case), or null when
    /// nothing is close enough to be a plausible typo.</summary>
    public Name? Suggest(string unknown)
    {
        Name? best = null;
        var bestDistance = int.MaxValue;
        foreach (var (identifier, name) in _byIdentifier)
        {
            var distance = EditDistance(unknown.ToLowerInvariant(), identifier.ToLowerInvariant()) * 2
                + (EditDistance(unknown, identifier) > 0 ? 1 : 0);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = name;
            }
        }
        var allowed = unknown.Length <= 3 ? 1 : unknown.Length <= 6 ? 2 : 3;
        return bestDistance / 2 <= allowed ? best : null;
    }

    /// <summary>A C# identifier for a field or step name: kept when valid, keywords prefixed with '@',
    /// otherwise spaces and punctuation become '_' and a leading digit gets a '_' prefix.</summary>
    public static string Identifier(string name)
    {
        if (SyntaxFacts.IsValidIdentifier(name))
            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name) text.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        if (text.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(text[0])) text.Insert(0, '_');
        return text.ToString();
    }

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    private void Add(string identifier, Name name)
    {
        // the lookup key is the token's value text, which has no '@'
        _byIdentifier.TryAdd(identifier.TrimStart('@'), name);
    }

    /// <summary>Optimal string alignment distance: a swap of two neighbours counts as one edit.</summary>
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
