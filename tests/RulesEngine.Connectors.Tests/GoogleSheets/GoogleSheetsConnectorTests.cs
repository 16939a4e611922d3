using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

public sealed class GoogleSheetsConnectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sheets-conn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (object? Connection, List<Diagnostic> Diagnostics) Load(string entry)
    {
        var registry = new ConnectorRegistry();
        GoogleSheetsConnector.Register(registry);
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, $"{{\"sheets\": {entry}}}");
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, registry, diagnostics);
        var connection = file.Get("sheets", "googleSheets", new SourceLocation("flow.json", 1, 1), diagnostics);
        return (connection, diagnostics);
    }

    [Fact]
    public void Register_AddsTheConnectionTypeAndTheSource()
    {
        var registry = new ConnectorRegistry();
        GoogleSheetsConnector.Register(registry);

        Assert.Contains("googleSheets", registry.ConnectionTypes);
        var spec = Assert.Single(registry.Sources, s => s.Type == "googleSheets.newRows");
        Assert.Equal("googleSheets", spec.ConnectionType);
        Assert.Equal(["process", "skip"], spec.Field("existingRows")!.AllowedValues);
        Assert.Equal(FieldKind.Condition, spec.Field("filter")!.Kind);
        Assert.True(spec.Field("spreadsheetId")!.Required);
    }

    [Theory]
    [InlineData("{\"type\":\"googleSheets\"}")]
    [InlineData("{\"type\":\"googleSheets\",\"apiKey\":\"AIzaSomething123\",\"serviceAccountKeyFile\":\"k.json\"}")]
    public void Connection_NeedsExactlyOneCredential(string entry)
    {
        var (connection, diagnostics) = Load(entry);

        Assert.Null(connection);
        Assert.Contains(diagnostics, d => d.Code == "RE0318" && d.Message.Contains("exactly one of \"apiKey\""));
    }

    [Fact]
    public void Connection_ReportsAMissingKeyFile_RelativeToTheConnectionsFile()
    {
        var (_, diagnostics) = Load("{\"type\":\"googleSheets\",\"serviceAccountKeyFile\":\"keys/missing.json\"}");

        Assert.Contains(diagnostics, d => d.Code == "RE0303" && d.Message.Contains(Path.Combine(_dir, "keys", "missing.json")));
    }

    [Fact]
    public void Connection_ReportsAKeyFileThatIsNotAServiceAccountKey()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.json"), "{\"type\":\"authorized_user\"}");

        var (connection, diagnostics) = Load("{\"type\":\"googleSheets\",\"serviceAccountKeyFile\":\"bad.json\"}");

        Assert.Null(connection);
        Assert.Contains(diagnostics, d => d.Code == "RE0319" && d.Message.Contains("not a usable service account JSON key"));
    }

    [Fact]
    public async Task Connection_ReadsTheSheet_WithAKeyFileNextToTheConnectionsFile()
    {
        await using var emulator = await GoogleSheetsEmulator.StartAsync();
        emulator.AddSheet("sheet-id", "Sheet1", [["Name"], ["Ann"]]);
        emulator.WriteServiceAccountKey(Path.Combine(_dir, "keys"));

        var (connection, diagnostics) = Load(
            $"{{\"type\":\"googleSheets\",\"serviceAccountKeyFile\":\"keys/reader-key.json\",\"baseUrl\":\"{emulator.BaseUrl}\",\"maxAttempts\":2}}");

        Assert.Empty(diagnostics);
        var client = Assert.IsType<GoogleSheetsClient>(connection);
        Assert.Equal("Ann", (await client.GetValuesAsync("sheet-id", "Sheet1!A2:ZZ", default))[0][0]);
    }

    [Fact]
    public void Connection_ReportsBadNumbers()
    {
        var (_, diagnostics) = Load("{\"type\":\"googleSheets\",\"apiKey\":\"AIzaSomething123\",\"maxAttempts\":\"lots\"}");

        Assert.Contains(diagnostics, d => d.Code == "RE0311" && d.Message.Contains("\"maxAttempts\""));
    }
}
