using System.Text.RegularExpressions;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// A flow that cannot run is refused before anything is sent: a non-zero exit, and one error that names the file
/// and the place as <c>path(line,col): error CODE: message</c>, pointing at the mistake itself.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed partial class BadInputTests
{
    [Theory]
    // A missing comma after "Contacts" (line 7): the parser stops at the next property's opening quote.
    [InlineData("malformed-json.json", 8, 5, "RE0001", "invalid JSON")]
    [InlineData("unknown-step-type.json", 13, 15, "RE0015", "unknown step type 'helpCrunch.updateContcat' (did you mean 'helpCrunch.updateContact'?)")]
    [InlineData("unknown-connection.json", 14, 21, "RE0305", "unknown connection 'helpcrunsh' (known: ")]
    [InlineData("condition-with-misspelled-step.json", 25, 21, "CS0103", "did you mean 'update'")]
    [InlineData("template-refers-to-later-step.json", 18, 22, "RE0103", "step 'alert' runs after this expression")]
    [InlineData("template-refers-to-missing-step.json", 45, 56, "CS0103", "did you mean 'create'")]
    [InlineData("literal-locale-not-iso-639-1.json", 19, 19, "HC0102", "'xx'")]
    public async Task Run_RefusesTheFlow_WithOneErrorAtTheMistake_AndSendsNothing(string fixture, int line, int column, string code, string message)
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Ben);

        var result = await sandbox.RunAsync(Repo.Fixture(fixture));

        Assert.True(result.ExitCode == 1, result.ToString());
        var errors = NonEmptyLines(result.Errors);
        Assert.True(errors.Count == 1, "expected exactly one error:\n" + result);
        var error = errors[0];
        var diagnostic = Diagnostic().Match(error);
        Assert.True(diagnostic.Success, "not in file(line,col): error CODE: message form: " + error);
        Assert.Equal(fixture, Path.GetFileName(diagnostic.Groups["file"].Value));
        Assert.Equal($"({line},{column}): error {code}", $"({diagnostic.Groups["line"].Value},{diagnostic.Groups["column"].Value}): error {diagnostic.Groups["code"].Value}");
        Assert.Contains(message, diagnostic.Groups["message"].Value, StringComparison.Ordinal);
        Assert.Empty(sandbox.AllReceived);
    }

    [Fact]
    public async Task AnUnknownSourceField_ListsEachKnownFieldOnce()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        var flow = Path.Combine(sandbox.Directory, "unknown-source-field.json");
        File.WriteAllText(flow, File.ReadAllText(Repo.CanonicalFlow).Replace("\"sheet\":", "\"sheeet\": \"x\", \"sheet\":", StringComparison.Ordinal));

        var result = await CliResult.RunAsync("validate", flow, "--connections", sandbox.ConnectionsPath);

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(NonEmptyLines(result.Errors), l => l.Contains("RE0005", StringComparison.Ordinal));
        Assert.Contains("did you mean 'sheet'?", error, StringComparison.Ordinal);
        var known = error[(error.IndexOf("known fields: ", StringComparison.Ordinal) + "known fields: ".Length)..].Split(", ");
        Assert.Equal(known.Distinct(StringComparer.Ordinal), known);
    }

    [Fact]
    public async Task Run_NamesTheConnectionAndTheVariable_WhenASecretIsNotSet()
    {
        const string variable = "RULESENGINE_CLI_TESTS_NEVER_SET";
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna);
        Assert.Null(Environment.GetEnvironmentVariable(variable));
        var connections = Path.Combine(sandbox.Directory, "connections-missing-secret.json");
        // Written by hand so the place of the reference is known: line 4, the value's opening quote at column 15.
        File.WriteAllText(connections, $$"""
            {
              "helpcrunch": {
                "type": "helpCrunch",
                "apiKey": "${env:{{variable}}}",
                "baseUrl": "{{sandbox.Services.HelpCrunch.BaseUrl}}"
              },
              "google": { "type": "googleSheets", "apiKey": "${env:GOOGLE_API_KEY}", "baseUrl": "{{sandbox.Services.Sheets.BaseUrl}}" },
              "telegram": { "type": "telegram", "botToken": "${env:TELEGRAM_BOT_TOKEN}", "baseUrl": "{{sandbox.Services.Telegram.BaseUrl}}" }
            }
            """);

        var result = await CliResult.RunAsync("run", Repo.CanonicalFlow, "--connections", connections, "--state", sandbox.StatePath);

        Assert.True(result.ExitCode == 1, result.ToString());
        var errors = NonEmptyLines(result.Errors);
        Assert.True(errors.Count == 1, "expected exactly one error:\n" + result);
        var error = errors[0];
        var diagnostic = Diagnostic().Match(error);
        Assert.True(diagnostic.Success, "not in file(line,col): error CODE: message form: " + error);
        Assert.Equal(Path.GetFullPath(connections), Path.GetFullPath(diagnostic.Groups["file"].Value));
        Assert.Equal("(4,15): error RE0302", $"({diagnostic.Groups["line"].Value},{diagnostic.Groups["column"].Value}): error {diagnostic.Groups["code"].Value}");
        Assert.Contains("connection 'helpcrunch'", error, StringComparison.Ordinal);
        Assert.Contains(variable, error, StringComparison.Ordinal);
        Assert.Empty(sandbox.AllReceived);
        Assert.False(File.Exists(sandbox.StatePath), "a flow that does not load must not start a run");
    }

    private static List<string> NonEmptyLines(string text) =>
        [.. text.ReplaceLineEndings("\n").Split('\n').Where(l => l.Trim().Length > 0)];

    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<column>\d+)\): error (?<code>[A-Z]+\d+): (?<message>.+)$")]
    private static partial Regex Diagnostic();
}
