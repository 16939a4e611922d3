namespace RulesEngine.Telemetry.Tests.Support;

/// <summary>Paths in the repository.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RulesEngine.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"no RulesEngine.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    /// <summary>The shipped canonical flow, exactly as users get it.</summary>
    public static string CanonicalFlow => Path.Combine(Root, "rules", "helpcrunch-contacts.json");
}
