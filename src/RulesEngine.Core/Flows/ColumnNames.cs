using RulesEngine.Core.Expressions;

namespace RulesEngine.Core.Flows;

/// <summary>Two column names that expressions would read under one C# name.</summary>
internal sealed record ColumnCollision(string First, string Second, string Identifier)
{
    public string Describe() =>
        $"columns '{First}' and '{Second}' both become the C# name {Identifier}, so an expression cannot tell which one it means; " +
        $"reach each with Row[\"{First}\"] and Row[\"{Second}\"], or rename one of the columns";
}

/// <summary>
/// Columns become C# names in expressions (<c>First Name</c> -> <c>First_Name</c>, see
/// <see cref="ExpressionContext.IdentifierFor"/>), and different columns can become the same name. A flow cannot
/// know which one such a name means, so a collision is an error: at load among the declared columns, and at run
/// time between a declared column and another column the sheet's header brings.
/// </summary>
internal static class ColumnNames
{
    /// <summary>The C# name of a column, as written in expressions (keywords without their '@').</summary>
    public static string Identifier(string column) => ExpressionContext.IdentifierFor(column).TrimStart('@');

    /// <summary>Every pair of distinct columns with one C# name, the first-declared one first.</summary>
    public static IReadOnlyList<ColumnCollision> Collisions(IEnumerable<string> columns)
    {
        var byIdentifier = new Dictionary<string, string>(StringComparer.Ordinal);
        var collisions = new List<ColumnCollision>();
        foreach (var column in columns.Distinct(StringComparer.Ordinal))
        {
            var identifier = Identifier(column);
            if (byIdentifier.TryGetValue(identifier, out var first)) collisions.Add(new ColumnCollision(first, column, identifier));
            else byIdentifier[identifier] = column;
        }
        return collisions;
    }

    /// <summary>Columns of a source's header that share a C# name with a column the flow declares (and so uses as a
    /// name in expressions). Without declared columns no column is a name, and nothing can collide.</summary>
    public static IReadOnlyList<ColumnCollision> InHeader(IReadOnlyList<string>? declared, IEnumerable<string> header)
    {
        if (declared is null || declared.Count == 0) return [];
        var declaredByIdentifier = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in declared) declaredByIdentifier.TryAdd(Identifier(column), column);
        return header.Distinct(StringComparer.Ordinal)
            .Where(column => !declared.Contains(column))
            .Select(column => (Column: column, Identifier: Identifier(column)))
            .Where(c => declaredByIdentifier.ContainsKey(c.Identifier))
            .Select(c => new ColumnCollision(declaredByIdentifier[c.Identifier], c.Column, c.Identifier))
            .ToList();
    }

    /// <summary>Stops a run whose rows bring a column that shares its C# name with a declared one, before anything is
    /// sent: which column the flow's expressions would read is a guess, and a guess here writes wrong data.</summary>
    /// <exception cref="InvalidOperationException">Naming both columns and how to reach each.</exception>
    public static void EnsureUnambiguous(IReadOnlyList<string>? declared, IEnumerable<IEnumerable<string>> rowsFieldNames)
    {
        if (declared is null || declared.Count == 0) return;
        var header = rowsFieldNames.SelectMany(names => names).Distinct(StringComparer.Ordinal).ToList();
        var collisions = InHeader(declared, header);
        if (collisions.Count == 0) return;
        throw new InvalidOperationException(
            "the run stopped before sending anything: the source's header has " +
            string.Join("; and ", collisions.Select(c => c.Describe())) +
            " (the flow declares '" + string.Join("', '", collisions.Select(c => c.First).Distinct()) + "')");
    }
}
