using System.Text.RegularExpressions;

namespace RulesEngine.WebConsole.Tests.Support;

/// <summary>Reads what a browser would from a page: the antiforgery token of its forms.</summary>
internal static partial class Forms
{
    public static string AntiforgeryToken(string page) =>
        TokenField().Match(page) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException("no antiforgery field on the page:\n" + page);

    public static FormUrlEncodedContent Post(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
