using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;
using static RulesEngine.Core.Tests.ExpressionTests.ExpressionFixture;

namespace RulesEngine.Core.Tests.ExpressionTests;

public sealed class HelperTests
{
    [Theory]
    // numbers: blank is null, cultures, currency, percent, group separators
    [InlineData("Row.AsNumber(\"Seats\") > 10")]
    [InlineData("Row.AsNumber(\"Missing\") == null")]
    [InlineData("\"1,234.5\".AsNumber() == 1234.5m")]
    [InlineData("\"1.234,5\".AsNumber(\"de-DE\") == 1234.5m")]
    [InlineData("\"1 234,5\".AsNumber(\"fr-FR\") == 1234.5m")]
    [InlineData("\"$1,234.50\".AsNumber(\"en-US\") == 1234.5m")]
    [InlineData("\"12%\".AsNumber() == 0.12m")]
    [InlineData("\"-3\".AsNumber() < 0 && \"\".AsNumber() == null")]
    [InlineData("\"12\".IsNumber() && !\"abc\".IsNumber() && !\"\".IsNumber()")]
    // dates: exact format, ISO, culture
    [InlineData("\"31.12.2025\".AsDate(\"dd.MM.yyyy\") == new DateTime(2025, 12, 31)")]
    [InlineData("\"2025-01-31\".AsDate().Value.Month == 1")]
    [InlineData("\"2025-01-31T10:30\".AsDate().Value.Hour == 10")]
    [InlineData("\"31/12/2025\".AsDate(culture: \"fr-FR\").Value.Day == 31")]
    [InlineData("\"12/31/2025\".AsDate(culture: \"en-US\").Value.Day == 31")]
    [InlineData("\"\".AsDate() == null && \"2025-01-31\".IsDate() && !\"soon\".IsDate()")]
    // yes/no and blanks
    [InlineData("\"TRUE\".AsBool() && \"yes\".AsBool() && \"x\".AsBool() && !\"no\".AsBool() && !\"\".AsBool()")]
    [InlineData("Row.IsEmpty(\"Missing\") && !Row.IsEmpty(\"Plan\") && \"  \".IsEmpty()")]
    // e-mail, phone, regex
    [InlineData("Email.IsEmail() && !\"jane@\".IsEmail() && !\"not an email\".IsEmail() && !\"a@b\".IsEmail()")]
    [InlineData("\"+49 (30) 1234-5678\".IsPhone() && \"030/123456\".IsPhone() && !\"12\".IsPhone() && !\"call me\".IsPhone()")]
    [InlineData("Email.Matches(\"^[a-z]+@acme\\\\.com$\") && \"ABC\".Matches(\"^abc$\", ignoreCase: true)")]
    // In, ordinal case-insensitive comparisons
    [InlineData("Plan.In(\"pro\", \"team\") && !Plan.In(\"free\")")]
    [InlineData("update.Result.In(0, 1)")]
    [InlineData("Plan.InIgnoreCase(\"PRO\", \"TEAM\")")]
    [InlineData("Plan.EqualsIgnoreCase(\"PRO\") && \"i\".EqualsIgnoreCase(\"I\") && Row[\"Missing\"].EqualsIgnoreCase(null)")]
    [InlineData("Email.EndsWithIgnoreCase(\"@ACME.COM\") && Email.StartsWithIgnoreCase(\"JANE\") && Email.ContainsIgnoreCase(\"Acme\")")]
    public void Helpers_AreAvailableInConditions(string code)
    {
        Assert.True(Condition(code).Evaluate(Scope(update: new StepResult(true, 0, ""))));
    }

    [Fact]
    public void Helpers_AreAvailableInTemplates()
    {
        Assert.Equal("12.5 / True", Template("{Row[\"Seats\"].AsNumber() + 0.5m} / {Email.IsEmail()}").Render(Scope()).Replace("true", "True", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"abc\".AsNumber() > 0", "'abc' is not a number")]
    [InlineData("\"1,5\".AsNumber(\"xx-nope-culture\") > 0", "is not a culture name")]
    [InlineData("\"31.12.2025\".AsDate(\"yyyy-MM-dd\") != null", "is not a date in the format yyyy-MM-dd")]
    [InlineData("\"maybe\".AsBool()", "'maybe' is not a yes/no value")]
    public void Helpers_FailTheRowWithAClearMessage_WhenTextDoesNotFit(string code, string message)
    {
        var error = Assert.Throws<ExpressionException>(() => Condition(code).Evaluate(Scope()));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_TimesOut_WhenPatternBacktracksCatastrophically()
    {
        var condition = Condition("(Plan + \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\").Matches(\"^pro(a+)+$\")");

        var error = Assert.Throws<ExpressionException>(() => condition.Evaluate(Scope()));

        Assert.Contains("RegexMatchTimeoutException", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowReads_UseTheRowLocale()
    {
        var row = new SourceRow(1, new Dictionary<string, string> { ["Amount"] = "1.234,50", ["Due"] = "31.12.2025" }) { Locale = "de-DE" };
        var scope = new ItemScope(row, new RunInfo("f", "r", DateTimeOffset.UnixEpoch, "l"));

        Assert.True(Condition("Row.AsNumber(\"Amount\") == 1234.5m && Row.AsDate(\"Due\").Value.Month == 12").Evaluate(scope));
    }
}
