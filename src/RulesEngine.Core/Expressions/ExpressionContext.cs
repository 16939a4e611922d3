namespace RulesEngine.Core.Expressions;

/// <summary>
/// The names an expression may use at its place in a flow.
/// </summary>
/// <param name="Fields">Source fields declared by the flow (null when unknown: then only <c>Row["Name"]</c> works).</param>
/// <param name="EarlierSteps">Ids of steps (and If blocks) that come before this expression in the flow.</param>
/// <param name="LaterSteps">Ids that exist but come later: naming one is an error that says so.</param>
internal sealed record ExpressionContext(
    IReadOnlyList<string>? Fields,
    IReadOnlyList<string> EarlierSteps,
    IReadOnlyList<string> LaterSteps)
{
    /// <summary>The C# name a declared field gets in conditions (<c>First Name</c> -> <c>First_Name</c>,
    /// <c>class</c> -> <c>@class</c>), for tools that show users what to type.</summary>
    public static string IdentifierFor(string field) => ExpressionNames.Identifier(field);

    /// <summary>The context at one place of a flow that a loader walks in order: <paramref name="earlier"/> is the
    /// flow's list of ids seen so far (only ever appended to), <paramref name="allIds"/> every id of the flow. Shares
    /// both lists instead of copying them, so loading grows linearly with the number of steps.</summary>
    public static ExpressionContext AtStep(IReadOnlyList<string>? fields, List<string> earlier, IReadOnlyList<string> allIds)
    {
        var prefix = new StepPrefix(earlier, earlier.Count);
        return new ExpressionContext(fields, prefix, new StepsAfter(allIds, prefix));
    }
}
