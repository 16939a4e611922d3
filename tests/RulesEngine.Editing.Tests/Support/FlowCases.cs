namespace RulesEngine.Editing.Tests.Support;

/// <summary>
/// Small flows the loader accepts or rejects, used twice: the schema must agree with the loader on each
/// (connection names are those of <see cref="Cli.Demo.EmulatedServices"/>).
/// </summary>
public static class FlowCases
{
    public const string SpreadsheetId = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";

    private const string Source = """
        { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo",
          "sheet": "Contacts", "columns": ["Email", "Name"] }
        """;

    private const string Alert = """{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "-100123", "text": "{Email}" }""";

    /// <summary>A flow with the canonical sheet source and the given steps (comma-separated JSON objects).</summary>
    public static string Flow(string steps, string? source = null) =>
        $$"""{ "name": "case", "source": {{source ?? Source}}, "steps": [ {{steps}} ] }""";

    public static TheoryData<string, string> Valid() => new()
    {
        { "one message", Flow(Alert) },
        { "chat id written as a number", Flow("""{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": -100123, "text": "{Email}" }""") },
        { "every optional root field", """
            { "$schema": "x", "name": "case", "description": "d", "comment": "c", "runLink": "https://runs/{flow}/{runId}", "batchSize": 5,
              "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" }, "steps": [] }
            """ },
        { "source with existingRows, filter, headerRow", Flow(Alert, """
            { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts", "headerRow": 2,
              "columns": ["Email"], "requiredColumns": ["Email"], "existingRows": "skip", "filter": "Email.Contains('@')", "comment": "c" }
            """) },
        { "if with then and else, nested", Flow("""
            { "id": "update", "type": "helpCrunch.updateContact", "connection": "helpcrunch", "searchFor": "{Email}", "fields": { "name": "{Name}", "tags": ["a"], "customData": { "n": 1 } }, "multipleMatches": "all" },
            { "id": "check", "type": "if", "$comment": "c", "condition": "update.Failed",
              "then": [ { "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "fields": { "email": "{Email}" } } ],
              "else": [ { "id": "inner", "type": "if", "condition": "true", "then": [] } ] }
            """) },
        { "message with parse mode and no preview", Flow("""
            { "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "@channel", "text": "<b>{Email}</b>", "parseMode": "HTML", "disableLinkPreview": true }
            """) },
    };

    public static TheoryData<string, string> Invalid() => new()
    {
        { "unknown step type", Flow("""{ "id": "alert", "type": "telegram.sendMesage", "connection": "telegram", "chatId": "1", "text": "x" }""") },
        { "missing required field", Flow("""{ "id": "update", "type": "helpCrunch.updateContact", "connection": "helpcrunch", "fields": { "name": "{Name}" } }""") },
        { "missing connection", Flow("""{ "id": "alert", "type": "telegram.sendMessage", "chatId": "1", "text": "x" }""") },
        { "unknown field", Flow("""{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": "x", "txet": "y" }""") },
        { "value not allowed", Flow("""{ "id": "alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": "x", "parseMode": "html" }""") },
        { "step id not an identifier", Flow("""{ "id": "send-alert", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": "x" }""") },
        { "step id Row", Flow("""{ "id": "Row", "type": "telegram.sendMessage", "connection": "telegram", "chatId": "1", "text": "x" }""") },
        { "if without then", Flow("""{ "id": "check", "type": "if", "condition": "true" }""") },
        { "unknown step inside else", Flow("""{ "id": "check", "type": "if", "condition": "true", "then": [], "else": [ { "id": "x", "type": "nope" } ] }""") },
        { "existingRows neither process nor skip", Flow(Alert, """
            { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts", "existingRows": "all" }
            """) },
        { "unknown source type", Flow(Alert, """{ "type": "googleSheets.rows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" }""") },
        { "no source", """{ "name": "case", "steps": [] }""" },
        { "unknown root field", """{ "name": "case", "stpes": [], "steps": [], "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" } }""" },
        { "batchSize 0", """{ "name": "case", "batchSize": 0, "steps": [], "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" } }""" },
        { "batchSize as text", """{ "name": "case", "batchSize": "10", "steps": [], "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" } }""" },
        { "batchSize as a fraction", """{ "name": "case", "batchSize": 2.5, "steps": [], "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" } }""" },
        { "runLink as a number", """{ "name": "case", "runLink": 7, "steps": [], "source": { "type": "googleSheets.newRows", "connection": "google", "spreadsheetId": "abc", "sheet": "Contacts" } }""" },
        { "mapping that is not an object", Flow("""{ "id": "create", "type": "helpCrunch.createContact", "connection": "helpcrunch", "fields": "{Email}" }""") },
    };
}
