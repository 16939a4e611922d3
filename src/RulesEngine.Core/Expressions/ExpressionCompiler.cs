using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Collects every condition and template of all loaded flows, then compiles them in one Roslyn compilation
/// (one generated file, one collectible assembly). Until <see cref="Compile"/> succeeds, handles cannot evaluate.
/// </summary>
public sealed class ExpressionCompiler
{
    public CompiledCondition AddCondition(string code, ExpressionContext context, SourceLocation location) =>
        throw new NotImplementedException();

    public CompiledTemplate AddTemplate(string text, ExpressionContext context, SourceLocation location) =>
        throw new NotImplementedException();

    /// <summary>Compiles everything added so far and binds the handles. Returns every problem, mapped to the
    /// JSON file's line and column; empty when all compiled.</summary>
    public IReadOnlyList<Diagnostic> Compile() => throw new NotImplementedException();
}
