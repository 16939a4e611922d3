namespace RulesEngine.Editing.Tests.Support;

/// <summary>Paths in the repository.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RulesEngine.sln"))) return directory.FullName;
        throw new InvalidOperationException($"no RulesEngine.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string RulesFolder => Path.Combine(Root, "rules");

    public static string SchemaFile => Path.Combine(Root, "schema", "flow.schema.json");

    public static string ConnectionsSchemaFile => Path.Combine(Root, "schema", "connections.schema.json");

    public static string ConnectionsFile => Path.Combine(Root, "connections.json");

    public static string ReceiversDoc => Path.Combine(Root, "docs", "receivers.md");

    /// <summary>Every flow shipped in rules/, as theory data.</summary>
    public static TheoryData<string> ShippedFlows()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RulesFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        return data;
    }
}
