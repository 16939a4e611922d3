namespace RulesEngine.Cli.Tests.Support;

/// <summary>Paths in the repository and next to the test assembly.</summary>
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

    /// <summary>The folder holding RulesEngine.sln.</summary>
    public static string Root => RootPath.Value;

    public static string RulesFolder => Path.Combine(Root, "rules");

    /// <summary>The shipped canonical flow, exactly as users get it.</summary>
    public static string CanonicalFlow => Path.Combine(RulesFolder, "helpcrunch-contacts.json");

    /// <summary>A flow file of this project's Fixtures folder (copied next to the test assembly).</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
