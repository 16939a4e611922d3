using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// StepConfig can only be built by Core's flow loader (its constructor is internal), so the load-time checks are
/// tested here, on the validator the step types call while loading.
/// </summary>
public sealed class ContactFieldMappingTests
{
    [Fact]
    public void CheckKeys_NamesUnknownKey_WithSuggestionAndValidList()
    {
        var problems = ContactFieldMapping.CheckKeys(["name", "emial", "Locale"]);

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("unknown contact field 'emial'; did you mean 'email'? Valid fields: name, email, userId", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("unknown contact field 'Locale'; did you mean 'locale'?", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CheckKeys_ExplainsReadOnlyFields()
    {
        var problems = ContactFieldMapping.CheckKeys(["id", "location"]);

        Assert.Contains("HelpCrunch assigns the id", problems[0], StringComparison.Ordinal);
        Assert.Contains("city, regionCode and countryCode", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void CheckLiterals_ReportsLiteralInvalidLocale_ButNotTemplates()
    {
        Assert.Contains("locale 'xx'", Assert.Single(ContactFieldMapping.CheckLiterals(JObject.Parse("""{"locale":"xx"}"""))).Problem, StringComparison.Ordinal);
        Assert.Empty(ContactFieldMapping.CheckLiterals(JObject.Parse("""{"locale":"{Locale}","name":"{Name}"}""")));
        Assert.Empty(ContactFieldMapping.CheckLiterals(JObject.Parse("""{"locale":"en","blocked":false}""")));
        Assert.Single(ContactFieldMapping.CheckLiterals(JObject.Parse("""{"blocked":"maybe"}""")));
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("UK", "uk")]
    [InlineData(" pt ", "pt")]
    public void TryBuild_NormalizesLocale_WhenItIsIso6391(string given, string sent)
    {
        Assert.True(ContactFieldMapping.TryBuild(new JObject { ["locale"] = given }, out var body, out _));
        Assert.Equal(sent, body["locale"]!.ToString());
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("eng")]
    [InlineData("english")]
    public void TryBuild_Fails_WhenLocaleIsNotIso6391(string given)
    {
        Assert.False(ContactFieldMapping.TryBuild(new JObject { ["locale"] = given }, out _, out var error));
        Assert.Contains($"locale '{given}' is not an ISO 639-1 language code", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBuild_SuggestsLanguage_WhenLocaleHasRegion()
    {
        Assert.False(ContactFieldMapping.TryBuild(new JObject { ["locale"] = "en-US" }, out _, out var error));
        Assert.EndsWith("did you mean 'en'?", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBuild_ConvertsBooleansAndTimestamps()
    {
        var ok = ContactFieldMapping.TryBuild(
            JObject.Parse("""{"unsubscribed":"false","blocked":"Yes","lastSeen":1603885746,"firstSeen":"2020-10-28 11:49:06","phone":380501234567}"""),
            out var body, out var error);

        Assert.True(ok, error);
        Assert.True(JToken.DeepEquals(
            JObject.Parse("""{"unsubscribed":false,"blocked":true,"lastSeen":"1603885746","firstSeen":"1603885746","phone":"380501234567"}"""), body), body.ToString());
    }

    [Fact]
    public void TryBuild_ReportsEveryProblem_WhenSeveralValuesAreInvalid()
    {
        Assert.False(ContactFieldMapping.TryBuild(JObject.Parse("""{"blocked":"maybe","lastSeen":"soon","name":{"first":"A"}}"""), out _, out var error));

        Assert.Contains("'blocked' is 'maybe'", error, StringComparison.Ordinal);
        Assert.Contains("'lastSeen' is 'soon'", error, StringComparison.Ordinal);
        Assert.Contains("'name' must be text", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBuild_SendsLiteralEmptyTagList_ButLeavesOutTagsThatRenderedEmpty()
    {
        Assert.True(ContactFieldMapping.TryBuild(JObject.Parse("""{"tags":[]}"""), out var explicitEmpty, out _));
        Assert.True(ContactFieldMapping.TryBuild(JObject.Parse("""{"tags":["", " "]}"""), out var renderedEmpty, out _));

        Assert.Equal("[]", explicitEmpty["tags"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Null(renderedEmpty["tags"]);
    }
}
