using System.Runtime.CompilerServices;
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

    private static readonly Name RowName = new("Row", $"{Scope}.Row", "the row");
    private static readonly Name RunName = new("Run", $"{Scope}.Run", "the run");

    // Indexes are shared by every context over the same list (all steps of a flow share one list of ids and one
    // list of fields), so a flow of n steps costs O(n) here, not O(n) per expression.
    private static readonly ConditionalWeakTable<object, FieldIndex> FieldIndexes = new();
    private static readonly ConditionalWeakTable<object, StepIndex> StepIndexes = new();

    private readonly ExpressionContext _context;
    private readonly FieldIndex _fields;
    private readonly StepIndex _steps;
    private readonly int _stepCount;

    public ExpressionNames(ExpressionContext context)
    {
        _context = context;
        _fields = context.Fields is null ? FieldIndex.None : FieldIndexes.GetValue(context.Fields, f => new FieldIndex((IReadOnlyList<string>)f));
        if (context.EarlierSteps is StepPrefix prefix)
        {
            _steps = StepIndexes.GetValue(prefix.All, all => new StepIndex((IReadOnlyList<string>)all));
            _stepCount = prefix.Count;
        }
        else
        {
            _steps = new StepIndex(context.EarlierSteps);
            _stepCount = context.EarlierSteps.Count;
        }
    }

    /// <summary>A usable name: <paramref name="Code"/> is the declaration's identifier as written in C#
    /// (keywords get '@'), <paramref name="Read"/> the C# that reads its value.</summary>
    public sealed record Name(string Code, string Read, string Description);

    public bool IsField(string text) => _fields.Raw.Contains(text);

    /// <summary>The local for an identifier token's value text, or null when the context has no such name.
    /// Precedence as declared: Row/Run, then earlier steps, then fields.</summary>
    public Name? Find(string valueText) => valueText switch
    {
        "Row" => RowName,
        "Run" => RunName,
        _ => _steps.Find(valueText, _stepCount) ?? _fields.ByIdentifier.GetValueOrDefault(valueText),
    };

    /// <summary>The id of a later step that this identifier names, or null (only asked when a name is unknown).</summary>
    public string? LaterStep(string valueText)
    {
        if (Find(valueText) is not null) return null;
        foreach (var step in _context.LaterSteps)
            if (Key(Identifier(step)) == valueText) return step;
        return null;
    }

    /// <summary>The closest known name to an unknown one (by edit distance, ignoring case), or null when
    /// nothing is close enough to be a plausible typo.</summary>
    public Name? Suggest(string unknown)
    {
        Name? best = null;
        var bestDistance = int.MaxValue;
        foreach (var (identifier, name) in All())
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

    /// <summary>Every usable name once, in precedence order (error messages only).</summary>
    private IEnumerable<(string Identifier, Name Name)> All()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in (IEnumerable<Name>)[RowName, RunName])
            if (seen.Add(name.Code)) yield return (name.Code, name);
        for (var i = 0; i < _stepCount; i++)
        {
            var name = StepIndex.NameOf(_context.EarlierSteps[i]);
            if (seen.Add(Key(name.Code))) yield return (Key(name.Code), name);
        }
        foreach (var (identifier, name) in _fields.ByIdentifier)
            if (seen.Add(identifier)) yield return (identifier, name);
    }

    // the lookup key is the token's value text, which has no '@'
    private static string Key(string identifier) => identifier.TrimStart('@');

    /// <summary>A C# identifier for a field or step name: kept when valid, keywords prefixed with '@',
    /// otherwise spaces and punctuation become '_' and a leading digit gets a '_' prefix.</summary>
    public static string Identifier(string name)
    {
        // CSharpKeywords, not Roslyn's SyntaxFacts: this runs on every start, also when the expressions come from the cache.
        if (CSharpKeywords.IsValidIdentifier(name))
            return CSharpKeywords.IsReserved(name) ? "@" + name : name;
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name) text.Append(CSharpKeywords.IsIdentifierPart(c) ? c : '_');
        if (text.Length == 0 || !CSharpKeywords.IsIdentifierStart(text[0])) text.Insert(0, '_');
        return text.ToString();
    }

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

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

    /// <summary>The fields of one list: the raw names and their identifiers (first wins).</summary>
    private sealed class FieldIndex
    {
        public static readonly FieldIndex None = new([]);

        public FieldIndex(IReadOnlyList<string> fields)
        {
            Raw = new HashSet<string>(fields, StringComparer.Ordinal);
            foreach (var field in fields)
            {
                var identifier = Identifier(field);
                ByIdentifier.TryAdd(Key(identifier), new Name(identifier, $"{Scope}.Row[{Literal(field)}]", $"field \"{field}\""));
            }
        }

        public HashSet<string> Raw { get; }
        public Dictionary<string, Name> ByIdentifier { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>The first position of every step identifier in a list of ids that only grows; indexed on demand.</summary>
    private sealed class StepIndex(IReadOnlyList<string> steps)
    {
        private readonly Dictionary<string, (int Position, Name Name)> _first = new(StringComparer.Ordinal);
        private readonly Lock _lock = new();
        private int _indexed;

        public static Name NameOf(string step) => new(Identifier(step), $"{Scope}.Step({Literal(step)})", $"step '{step}'");

        /// <summary>The step named <paramref name="valueText"/> among the first <paramref name="count"/> ids.</summary>
        public Name? Find(string valueText, int count)
        {
            lock (_lock)
            {
                for (; _indexed < count; _indexed++)
                {
                    var name = NameOf(steps[_indexed]);
                    _first.TryAdd(Key(name.Code), (_indexed, name));
                }
                return _first.TryGetValue(valueText, out var found) && found.Position < count ? found.Name : null;
            }
        }
    }
}
