namespace RulesEngine.Sdk;

/// <summary>
/// A temporary file for data too big to keep in memory (a run's report lines, a read's new rows): readable by its owner
/// only, and nameless while it is used (unlinked once opened on Unix, delete-on-close on Windows), so nothing of the
/// people's data it holds is left behind, even by a killed process. Dispose the stream to free the space.
/// </summary>
public static class PrivateTempFile
{
    /// <summary>Creates the file in the temporary directory and opens it for reading and writing.</summary>
    /// <param name="purpose">A word for the file's name while it briefly has one (e.g. "rows").</param>
    public static FileStream Create(string purpose)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 64 * 1024,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var path = Path.Combine(Path.GetTempPath(), $"rulesengine-{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        var file = new FileStream(path, options);
        // Unlinked at once where the open handle keeps it readable (Unix): no name to find, nothing left after kill -9.
        // Windows enforces delete-on-close in the kernel.
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return file;
    }
}
