namespace RulesEngine.Core.Tests.Support;

/// <summary>Flow files used by engine tests, written the way users write them.</summary>
internal static class TestFlows
{
    /// <summary>The canonical shape: update; if it failed, create; if that failed too, alert.</summary>
    public const string UpdateCreateAlert = """
        {
          "name": "contacts",
          "source": { "type": "memory.rows" },
          "batchSize": 10,
          "steps": [
            { "id": "update", "type": "test.call", "text": "{Email}" },
            { "id": "ifUpdateFailed", "type": "if", "comment": "not found: create", "condition": "update.Failed",
              "then": [ { "id": "create", "type": "test.call", "text": "{Email}" } ] },
            { "id": "ifCreateFailed", "type": "if", "condition": "create.Failed",
              "then": [ { "id": "alert", "type": "test.call", "text": "{create.Error} {Run.Link}" } ] }
          ]
        }
        """;
}
