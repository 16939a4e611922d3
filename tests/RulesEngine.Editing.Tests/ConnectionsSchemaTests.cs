using Newtonsoft.Json.Linq;
using NJsonSchema;
using RulesEngine.Cli.Commands;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

public sealed class ConnectionsSchemaTests
{
    private static readonly Lazy<Task<JsonSchema>> Committed = new(() => JsonSchema.FromFileAsync(Repo.ConnectionsSchemaFile));

    [Fact]
    public async Task CommittedConnectionsSchema_IsWhatTheSchemaVerbGenerates()
    {
        var generated = await CliRun.RunAsync("schema", "--kind", "connections");

        Assert.True(generated.ExitCode == 0, generated.ToString());
        var committed = File.Exists(Repo.ConnectionsSchemaFile) ? (await File.ReadAllTextAsync(Repo.ConnectionsSchemaFile)).ReplaceLineEndings("\n") : "(missing)";
        Assert.True(committed == generated.Output.ReplaceLineEndings("\n"),
            $"schema/connections.schema.json is out of date with the connection specs. Regenerate it from the repository root:\n  {SchemaCommand.RegenerateConnectionsCommand}");
    }

    [Fact]
    public async Task SchemaVerb_StillPrintsTheFlowSchema_ByDefault_AndRefusesAnUnknownKind()
    {
        var flow = await CliRun.RunAsync("schema");
        var unknown = await CliRun.RunAsync("schema", "--kind", "steps");
        var mixed = await CliRun.RunAsync("schema", "--kind", "connections", "--connections", Repo.ConnectionsFile);

        Assert.Equal("RulesEngine flow", JObject.Parse(flow.Output)["title"]!.ToString());
        Assert.Equal(64, unknown.ExitCode);
        Assert.Contains("--kind must be flow or connections", unknown.Errors, StringComparison.Ordinal);
        Assert.Equal(64, mixed.ExitCode);
    }

    [Fact]
    public void ShippedConnections_PointAtTheCommittedSchema_InTheirFirstProperty()
    {
        var first = JObject.Parse(File.ReadAllText(Repo.ConnectionsFile)).Properties().First();

        Assert.Equal("$schema", first.Name);
        Assert.Equal(Repo.ConnectionsSchemaFile, Path.GetFullPath(first.Value.ToString(), Repo.Root));
    }

    [Fact]
    public async Task Schema_AcceptsTheShippedConnections()
    {
        var errors = (await Committed.Value).Validate(await File.ReadAllTextAsync(Repo.ConnectionsFile));

        Assert.True(errors.Count == 0, FlowSchema.Describe(errors));
    }

    [Theory]
    [InlineData("""{ "t": { "type": "telegram", "botToken": "${env:T}", "maxAttempts": 3, "perChatIntervalSeconds": 0.5, "comment": "ok" } }""")]
    [InlineData("""{ "g": { "type": "googleSheets", "serviceAccountKeyFile": "keys/k.json", "readsPerMinute": 100000 } }""")]
    [InlineData("""{ "e": { "type": "email", "host": "smtp.example.com", "username": "u", "password": "${file:p.txt}" } }""")]
    [InlineData("""{ "h": { "type": "helpCrunch", "apiKey": "${env:H}", "baseUrl": "http://127.0.0.1:5000/v1", "requestsPerMinute": 0 } }""")]
    public async Task Schema_AcceptsConnections_TheEngineAccepts(string connections)
    {
        var errors = (await Committed.Value).Validate(connections);

        Assert.True(errors.Count == 0, FlowSchema.Describe(errors));
    }

    [Theory]
    [InlineData("unknown key", """{ "t": { "type": "telegram", "botTokn": "${env:T}" } }""")]
    [InlineData("number as a string", """{ "h": { "type": "helpCrunch", "apiKey": "${env:H}", "maxAttempts": "3" } }""")]
    [InlineData("out of range", """{ "h": { "type": "helpCrunch", "apiKey": "${env:H}", "maxAttempts": 0 } }""")]
    [InlineData("fraction", """{ "t": { "type": "telegram", "botToken": "${env:T}", "messagesPerSecond": 2.5 } }""")]
    [InlineData("no type", """{ "t": { "botToken": "${env:T}" } }""")]
    [InlineData("unknown type", """{ "t": { "type": "slack", "botToken": "${env:T}" } }""")]
    [InlineData("both credentials", """{ "g": { "type": "googleSheets", "apiKey": "${env:G}", "serviceAccountKeyFile": "k.json" } }""")]
    [InlineData("no credential", """{ "g": { "type": "googleSheets" } }""")]
    [InlineData("username without password", """{ "e": { "type": "email", "host": "smtp.example.com", "username": "u" } }""")]
    [InlineData("ftp URL", """{ "h": { "type": "helpCrunch", "apiKey": "${env:H}", "baseUrl": "ftp://example.com" } }""")]
    [InlineData("security not allowed", """{ "e": { "type": "email", "host": "smtp.example.com", "security": "tls1.3" } }""")]
    public async Task Schema_RejectsConnections_TheEngineRejects(string name, string connections)
    {
        var errors = (await Committed.Value).Validate(connections);

        Assert.True(errors.Count > 0, name + ": the schema accepted it");
    }
}
