using Newtonsoft.Json.Linq;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

/// <summary>
/// <c>validate</c> as the real program: every problem in one pass (structural errors do not hide C# errors), and a
/// secret that is not set is one warning naming it (an error with --require-secrets and in run), never a cascade of
/// C# errors about the columns.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class ValidateOnePassTests : IDisposable
{
    private const string SecretVariable = "RULESENGINE_TEST_SHEETS_KEY";

    private readonly Scratch _scratch = new();

    public ValidateOnePassTests() =>
        File.WriteAllText(_scratch.File("connections.json"), $$"""
            {
              "google":     { "type": "googleSheets", "apiKey": "${env:{{SecretVariable}}}", "baseUrl": "http://127.0.0.1:9/" },
              "helpcrunch": { "type": "helpCrunch",   "apiKey": "hc-test-key",  "baseUrl": "http://127.0.0.1:9/v1" },
              "telegram":   { "type": "telegram",     "botToken": "123456:test-token", "baseUrl": "http://127.0.0.1:9" }
            }
            """);

    public void Dispose() => _scratch.Dispose();

    private static readonly Dictionary<string, string?> WithSecret = new() { [SecretVariable] = "sheets-test-key" };
    private static readonly Dictionary<string, string?> WithoutSecret = new() { [SecretVariable] = null };

    /// <summary>Three structural errors and three C# errors, each in a different step.</summary>
    private const string Mixed = """
        {
          "name": "mixed",
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts",
                      "columns": ["Email", "Name", "Locale"] },
          "steps": [
            { "id": "update", "type": "helpCrunch.updateContact", "connection": "helpcrunch", "searchFor": "{Email}",
              "fields": { "name": "{Name.ToUpperr()}" } },
            { "id": "typo", "type": "telegram.sendMesage", "connection": "telegram", "chatId": "1", "text": "x" },
            { "id": "ifUpdateFailed", "type": "if", "condition": "update.Failed && Emial.Length > 0",
              "then": [ { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "colour": "red",
                          "fields": { "email": "{Email}" } } ] },
            { "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1",
              "text": "{Nmae} {create.Error}", "parseMode": "Markdown3" }
          ]
        }
        """;

    /// <summary>The canonical shape: columns used by name in templates and conditions.</summary>
    private const string UsesColumns = """
        {
          "name": "uses-columns",
          "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts",
                      "columns": ["Email", "Name", "Phone", "Company", "Locale"], "filter": "Email.Contains(\"@\")" },
          "steps": [
            { "id": "update", "type": "helpCrunch.updateContact", "connection": "helpcrunch", "searchBy": "email", "searchFor": "{Email}",
              "fields": { "name": "{Name}", "phone": "{Phone}", "company": "{Company}", "locale": "{Locale}" } },
            { "id": "ifUpdateFailed", "type": "if", "condition": "update.Failed && Locale.Length == 2",
              "then": [ { "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1",
                          "text": "{Email} {Name} {Phone} {Company}: {update.Error}" } ] }
          ]
        }
        """;

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Validate_ReportsStructuralAndCSharpErrors_OfDifferentSteps_InOnePass()
    {
        var flow = Write("mixed.json", Mixed);

        var result = await ProgramRun.RunAsync(WithSecret, "validate", flow, "--connections", _scratch.File("connections.json"));

        Assert.True(result.ExitCode == 1, result.ToString());
        string[] expected =
        [
            "mixed.json(7,34): error CS1061: ",   // update: a C# error inside a mapping
            "mixed.json(8,29): error RE0015: ",   // typo: unknown step type
            "mixed.json(9,76): error CS0103: ",   // ifUpdateFailed: a misspelt column
            "mixed.json(10,109): error RE0005: ", // create: unknown field
            "mixed.json(13,17): error CS0103: ",  // alert: a misspelt column in a template
            "mixed.json(13,53): error RE0202: ",  // alert: a value outside the allowed ones
        ];
        foreach (var line in expected) Assert.Contains(line, result.Errors, StringComparison.Ordinal);
        Assert.Equal(expected.Length, Lines(result.Errors).Length);
        Assert.Contains("6 error(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Validate_MissingSecret_IsOneWarningNamingIt_WithoutCSharpErrors_AndExitCode0()
    {
        var flow = Write("uses-columns.json", UsesColumns);

        var result = await ProgramRun.RunAsync(WithoutSecret, "validate", flow, "--connections", _scratch.File("connections.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(Lines(result.Errors));
        Assert.Matches(@"connections\.json\(2,\d+\): warning RE0302: connection 'google': environment variable " + SecretVariable, line);
        Assert.DoesNotContain("CS0103", result.Errors, StringComparison.Ordinal);
        Assert.Contains("1 flow(s) valid: uses-columns; 1 warning(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task Validate_RequireSecrets_AndRun_MakeTheMissingSecretOneError()
    {
        var flow = Write("uses-columns.json", UsesColumns);
        var connections = _scratch.File("connections.json");

        var validate = await ProgramRun.RunAsync(WithoutSecret, "validate", flow, "--connections", connections, "--require-secrets");
        var run = await ProgramRun.RunAsync(WithoutSecret, "run", flow, "--connections", connections, "--state", _scratch.File("state.db"));

        foreach (var result in new[] { validate, run })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            var line = Assert.Single(Lines(result.Errors));
            Assert.Contains($"error RE0302: connection 'google': environment variable {SecretVariable}", line, StringComparison.Ordinal);
        }
        Assert.Contains("1 error(s)", validate.Output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task ValidateJson_CarriesTheSeverity_AndCountsWarningsApart()
    {
        var flow = Write("uses-columns.json", UsesColumns);

        var result = await ProgramRun.RunAsync(WithoutSecret, "validate", flow, "--connections", _scratch.File("connections.json"), "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var document = JObject.Parse(result.Output);
        var diagnostic = Assert.Single(document["diagnostics"]!.Children<JObject>());
        Assert.Equal(("RE0302", "warning"), (diagnostic["code"]!.ToString(), diagnostic["severity"]!.ToString()));
        Assert.Contains(SecretVariable, diagnostic["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, document["summary"]!["errors"]!.Value<int>());
        Assert.Equal(1, document["summary"]!["warnings"]!.Value<int>());
        Assert.Equal(["uses-columns"], document["summary"]!["valid"]!.Values<string>());
    }

    [Fact]
    public async Task ValidateFolder_ReportsACycleOfAfterTriggers_AtBothPlaces()
    {
        var folder = Path.Combine(_scratch.Path, "rules");
        Directory.CreateDirectory(folder);
        foreach (var (name, after) in new[] { ("a", "b"), ("b", "a") })
            File.WriteAllText(Path.Combine(folder, name + ".json"), UsesColumns
                .Replace("\"name\": \"uses-columns\",", $$"""
                    "name": "{{name}}",
                      "triggers": { "after": ["{{after}}"] },
                    """, StringComparison.Ordinal));

        var result = await CliRun.RunAsync("validate", folder, "--connections", _scratch.File("connections.json"));

        Assert.True(result.ExitCode == 1, result.ToString());
        var cycles = Lines(result.Errors).Where(l => l.Contains("error RE0410", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cycles.Count);
        Assert.Contains(cycles, l => l.Contains("b.json(3,27): error RE0410", StringComparison.Ordinal) && l.Contains("a.json(3,27)", StringComparison.Ordinal));
        Assert.Contains(cycles, l => l.Contains("a.json(3,27): error RE0410", StringComparison.Ordinal) && l.Contains("b.json(3,27)", StringComparison.Ordinal));
    }

    private string Write(string name, string json)
    {
        var path = _scratch.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
