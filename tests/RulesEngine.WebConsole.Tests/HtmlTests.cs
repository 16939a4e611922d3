using RulesEngine.Core.Connections;
using RulesEngine.WebConsole.Pages;

namespace RulesEngine.WebConsole.Tests;

public sealed class HtmlTests
{
    [Fact]
    public void EveryHole_IsEncoded_OnlyTheConsolesOwnMarkupIsNot()
    {
        var cell = "<script>alert(1)</script>\" onmouseover=\"x";
        var html = new Html().Add($"<td title=\"{cell}\">{cell}</td>").ToMarkup().Value;
        Assert.StartsWith("<td title=\"&lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("\" onmouseover", html);
        Assert.Equal("<b>x</b>", new Html().Add($"{new Markup("<b>x</b>")}").ToMarkup().Value);
    }

    [Fact]
    public void ASecretValue_IsMaskedBeforeItIsEncoded()
    {
        SecretRedactor.Register("html-test-secret-<&>-value");
        var html = new Html().Add($"<p>{"token html-test-secret-<&>-value here"}</p>").ToMarkup().Value;
        Assert.Equal("<p>token *** here</p>", html);
    }
}
