namespace RulesEngine.Core.Flows;

/// <summary>A file's path as messages show it: relative to the current folder when the file is below it
/// (<c>rules/a.json</c>), otherwise the full path (<c>/etc/rulesengine/rules/a.json</c>, not <c>../../../etc/...</c>).</summary>
internal static class DisplayPath
{
    public static string Of(string file)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, file);
        var outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return outside ? Path.GetFullPath(file) : relative;
    }
}
