using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

/// <summary>
/// Hostile connections files against the real connectors, through the CLI as a user runs it: each problem is one
/// error at its place in the connections file, never at the steps that use the connection.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed partial class ConnectionsFileTests
{
    private static readonly string CanonicalFlow = Path.Combine(Repo.RulesFolder, "helpcrunch-contacts.json");

    /// <summary>The canonical flow's three connections, with literal credentials (no environment needed), one
    /// setting per line so every place is known.</summary>
    private static string Connections(string helpCrunchExtra = "", string telegramExtra = "") => $$"""
        {
          "google": { "type": "googleSheets", "apiKey": "literal-google-key-0001" },
          "helpcrunch": {
            "type": "helpCrunch",
            "apiKey": "literal-helpcrunch-key-0001",
            {{helpCrunchExtra}}
            "requestsPerMinute": 120
          },
          "telegram": {
            "type": "telegram",
            {{telegramExtra}}
            "botToken": "123456:literal-telegram-token"
          }
        }
        """;

    public static TheoryData<string, string, string, string, string> Corpus => new()
    {
        // name, helpcrunch extra line, telegram extra line, expected code, expected text at the reported place
        { "misspelt key", "", "\"botTokn\": \"x\",", "RE0310", "\"botTokn\"" },
        { "number as a string", "\"maxAttempts\": \"3\",", "", "RE0311", "\"3\"" },
        { "negative timeout", "\"timeoutSeconds\": -5,", "", "RE0312", "-5" },
        { "duplicate key", "", "\"botToken\": \"${env:TELEGRAM_BOT_TOKEN}\",", "RE0317", "\"botToken\"" },
        { "upper-case ENV", "", "\"baseUrl\": \"${ENV:TELEGRAM_URL}\",", "RE0315", "${ENV:" },
        { "reference without a name", "\"baseUrl\": \"${env:}\",", "", "RE0315", "${env:}" },
        { "unterminated reference", "", "\"baseUrl\": \"${env:TELEGRAM_URL\",", "RE0315", "${env:TELEGRAM_URL" },
        { "http URL with a path Telegram drops", "", "\"baseUrl\": \"http://127.0.0.1:8081/bot\",", "RE0319", "\"http://127.0.0.1:8081/bot\"" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Validate_ReportsAConnectionProblem_OnceAtTheConnectionsFile(string name, string helpCrunch, string telegram, string code, string at)
    {
        using var scratch = new Scratch();
        var path = scratch.File("connections.json");
        var text = Connections(helpCrunch, telegram);
        await File.WriteAllTextAsync(path, text);

        var result = await CliRun.RunAsync("validate", CanonicalFlow, "--connections", path);

        Assert.True(result.ExitCode == 1, name + ": " + result);
        var errors = result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(errors, e => DiagnosticLine().IsMatch(e));
        var index = text.LastIndexOf(at, StringComparison.Ordinal);
        var line = text[..index].Count(c => c == '\n') + 1;
        var column = index - text.LastIndexOf('\n', index - 1);
        Assert.StartsWith($"{path}({line},{column}): error {code}:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_RefusesASecretFileThatNeverEnds_WithoutReadingIt()
    {
        using var scratch = new Scratch();
        var path = scratch.File("connections.json");
        var text = Connections("", "").Replace("literal-helpcrunch-key-0001", "${file:/dev/zero}", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, text);

        var result = await CliRun.RunAsync("validate", CanonicalFlow, "--connections", path);

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries), e => DiagnosticLine().IsMatch(e));
        Assert.Contains("(5,15): error RE0316: connection 'helpcrunch': \"apiKey\": file /dev/zero is empty, or not a regular file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AcceptsTheCorpusBaseline()
    {
        using var scratch = new Scratch();
        var path = scratch.File("connections.json");
        await File.WriteAllTextAsync(path, Connections("\"maxAttempts\": 3,", "\"perChatIntervalSeconds\": 0.5,"));

        var result = await CliRun.RunAsync("validate", CanonicalFlow, "--connections", path);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task ListJson_ShowsEachConnectionTypesSettings()
    {
        var result = await CliRun.RunAsync("list", "--json");

        var telegram = JObject.Parse(result.Output)["connections"]!.Single(c => c["type"]!.ToString() == "telegram");
        var token = telegram["fields"]!.Single(f => f["name"]!.ToString() == "botToken");
        Assert.True(token["secret"]!.Value<bool>() && token["required"]!.Value<bool>());
        var perSecond = telegram["fields"]!.Single(f => f["name"]!.ToString() == "messagesPerSecond");
        Assert.Equal(("integer", 30, 1.0, 1000.0), (perSecond["kind"]!.ToString(), perSecond["default"]!.Value<int>(), perSecond["minimum"]!.Value<double>(), perSecond["maximum"]!.Value<double>()));
    }

    [GeneratedRegex(@"\(\d+,\d+\): error RE\d{4}: ")]
    private static partial Regex DiagnosticLine();
}
