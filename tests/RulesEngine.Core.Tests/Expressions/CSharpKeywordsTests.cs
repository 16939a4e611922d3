using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using RulesEngine.Core.Expressions;

namespace RulesEngine.Core.Tests.Expressions;

/// <summary>
/// The names columns and steps get in expressions are decided without Roslyn on every start (so a warm start does not
/// load it); each answer must be exactly Roslyn's, or a column's C# name would change and break flows.
/// </summary>
public sealed class CSharpKeywordsTests
{
    [Fact]
    public void IdentifierCharacters_AreRoslynsForEveryUtf16CodeUnit()
    {
        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            Assert.True(SyntaxFacts.IsIdentifierStartCharacter(c) == CSharpKeywords.IsIdentifierStart(c), $"start U+{code:X4}");
            Assert.True(SyntaxFacts.IsIdentifierPartCharacter(c) == CSharpKeywords.IsIdentifierPart(c), $"part U+{code:X4}");
        }
    }

    [Fact]
    public void ReservedKeywords_AreRoslynsKeywords_AndContextualOnesAreNot()
    {
        var reserved = 0;
        foreach (var kind in SyntaxFacts.GetKeywordKinds().Concat(SyntaxFacts.GetContextualKeywordKinds()))
        {
            var text = SyntaxFacts.GetText(kind);
            var roslyn = SyntaxFacts.GetKeywordKind(text) != SyntaxKind.None;
            Assert.True(roslyn == CSharpKeywords.IsReserved(text), text);
            if (roslyn) reserved++;
        }
        Assert.True(reserved > 70, $"only {reserved} reserved keywords seen");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public void Names_AreWhatRoslynMakesOfThem_ForRandomColumnNames(int seed)
    {
        var random = new Random(seed);
        string[] pieces = ["class", "Email", "First Name", "2nd", "_", "@", "é", "Ω", "ǅ", "ⅻ", "٣", "\u0301", "\u200d", "\u00ad", " ", "-", ".",
            "👍", "\ud800", "ß", "ﬁ", "i", "var", "async", "ˆ", "‿", "\t", "\u0000"];
        for (var i = 0; i < 20_000; i++)
        {
            var name = new StringBuilder();
            for (var p = random.Next(0, 4); p >= 0; p--)
                name.Append(random.Next(3) == 0 ? (char)random.Next(0, char.MaxValue + 1) : pieces[random.Next(pieces.Length)]);
            var text = name.ToString();
            Assert.Equal(SyntaxFacts.IsValidIdentifier(text), CSharpKeywords.IsValidIdentifier(text));
            Assert.Equal(RoslynIdentifier(text), ExpressionNames.Identifier(text));
        }
        Assert.False(CSharpKeywords.IsValidIdentifier(""));
    }

    /// <summary>How names were made with Roslyn's SyntaxFacts before (the reference the new code must match).</summary>
    private static string RoslynIdentifier(string name)
    {
        if (SyntaxFacts.IsValidIdentifier(name))
            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name) text.Append(SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
        if (text.Length == 0 || !SyntaxFacts.IsIdentifierStartCharacter(text[0])) text.Insert(0, '_');
        return text.ToString();
    }
}
