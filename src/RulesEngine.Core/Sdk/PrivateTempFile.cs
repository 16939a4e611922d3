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
    /// <exception cref="IOException">The temporary directory cannot take the file; the message names it and the fix.</exception>
    public static FileStream Create(string purpose) => Create(purpose, Path.GetTempPath());

    internal static FileStream Create(string purpose, string directory)
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
        var path = Path.Combine(directory, $"rulesengine-{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        FileStream file;
        try
        {
            file = new FileStream(path, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"cannot create a temporary file in {directory} ({e.Message}): the engine keeps data there that is too big for memory; " +
                "make that directory writable, or point TMPDIR (TEMP on Windows) to one that is", e);
        }
        // Unlinked at once where the open handle keeps it readable (Unix): no name to find, nothing left after kill -9.
        // Windows enforces delete-on-close in the kernel.
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return file;
    }
}
