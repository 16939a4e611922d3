using RulesEngine.Connectors.GoogleSheets.Tests.Support;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>googleSheets.newRows settings checked when the flow loads, before anything is read.</summary>
public sealed class NewRowsSpecTests : IAsyncLifetime
{
    private WriterTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await WriterTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    private IReadOnlyList<Core.Flows.Diagnostic> Load(string sourceSettings) => _bed.LoadFlow($$"""
        {
          "name": "keys",
          "source": { "type": "googleSheets.newRows", "connection": "sheets", "spreadsheetId": "{{WriterTestBed.SpreadsheetId}}",
                      "sheet": "Contacts", {{sourceSettings}} },
          "steps": [ { "id": "ifAnn", "type": "if", "condition": "Row.Has(\"Email\")", "then": [] } ]
        }
        """).Diagnostics;

    [Theory]
    [InlineData("\"keyColumns\": [\"Email\"]")]
    [InlineData("\"keyColumns\": [\"Email\", \"Name\"], \"columns\": [\"Email\", \"Name\"]")]
    [InlineData("\"keyColumns\": [\"Id\"]")] // without "columns", the header is checked when read
    [InlineData("\"keyColumns\": [\"Email\"], \"editedRows\": \"process\"")]
    [InlineData("\"keyColumns\": [\"Email\"], \"editedRows\": \"ignore\"")]
    [InlineData("\"editedRows\": \"process\"")]
    public void KeyColumns_Load(string settings) => Assert.Empty(Load(settings));

    [Theory]
    [InlineData("\"keyColumns\": [\"Id\"], \"columns\": [\"Email\", \"Name\"]", "RE1015", "key column 'Id' is not in \"columns\" (Email, Name)")]
    [InlineData("\"keyColumns\": []", "RE1014", "\"keyColumns\" must name one or more header columns")]
    [InlineData("\"keyColumns\": [\" \"]", "RE1014", "\"keyColumns\" must name one or more header columns")]
    [InlineData("\"keyColumns\": \"Email\"", "RE0201", "\"keyColumns\" must be a list of strings")]
    [InlineData("\"editedRows\": \"ignore\"", "RE1016", "\"editedRows\": \"ignore\" needs \"keyColumns\"")]
    public void KeyColumns_AreCheckedWhenTheFlowLoads(string settings, string code, string message)
    {
        var diagnostic = Assert.Single(Load(settings));

        Assert.Equal(code, diagnostic.Code);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }
}
