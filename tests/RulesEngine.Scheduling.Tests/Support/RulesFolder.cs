namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>A scratch rules folder; flows are written the way users write them.</summary>
internal sealed class RulesFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "re-sched-" + Guid.NewGuid().ToString("N")[..8]);

    public RulesFolder() => Directory.CreateDirectory(Path);

    /// <summary>Writes <c>name.json</c>: a flow with one condition (so it compiles code) and the given triggers JSON.</summary>
    public string Write(string name, string triggers, string condition = "Email.Length > 0")
    {
        var file = System.IO.Path.Combine(Path, name + ".json");
        File.WriteAllText(file, Flow(name, triggers, condition));
        return file;
    }

    public static string Flow(string name, string triggers, string condition = "Email.Length > 0") => $$"""
        {
          "name": "{{name}}",
          "triggers": {{triggers}},
          "source": { "type": "memory.rows", "columns": 1 },
          "steps": [
            { "id": "check", "type": "if", "condition": "{{condition}}", "then": [ { "id": "call", "type": "test.call", "text": "hi {Email}" } ] }
          ]
        }
        """;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* scratch */ }
    }
}
