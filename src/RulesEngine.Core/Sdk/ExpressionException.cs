using RulesEngine.Core.Flows;

namespace RulesEngine.Sdk;

/// <summary>An expression failed while evaluating for one item; the item's step fails with this text.</summary>
public sealed class ExpressionException : Exception
{
    internal ExpressionException(string message, SourceLocation location, Exception? inner = null) : base(message, inner) =>
        Location = location;

    internal SourceLocation Location { get; }
}
