namespace RulesEngine.Core.Connections;

/// <summary>
/// Reads the small files a connections file points at (a <c>${file:path}</c> secret, a service account key) without
/// trusting them: a directory, a device (<c>/dev/zero</c>), a FIFO or a huge file is refused before it is read, so a
/// wrong path can neither hang the engine nor fill its memory.
/// </summary>
internal static class BoundedFile
{
    /// <summary>A service account key is about 2.3 KB; a token or password far less.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Null when <paramref name="path"/> is a regular file of 1 to <see cref="MaxBytes"/> bytes; otherwise
    /// why not. <paramref name="missing"/> tells "does not exist" apart from the other problems.</summary>
    public static string? Check(string path, out bool missing)
    {
        missing = false;
        if (Directory.Exists(path)) return $"{path} is a directory, not a file";
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            missing = true;
            return $"{path} does not exist";
        }
        // Devices and FIFOs report a length of 0, as do empty files: none of them holds a secret, and opening a FIFO
        // would block until something writes to it, so it is never opened.
        if (info.Length == 0) return $"{path} is empty, or not a regular file (a device or a FIFO)";
        if (info.Length > MaxBytes) return $"{path} is {info.Length} bytes; a secret or key file may be at most {MaxBytes / 1024} KB";
        return null;
    }

    /// <summary>The file's text, read only up to the bound even if the file grew after <see cref="Check"/>.</summary>
    public static string? Read(string path, out string? error, out bool missing)
    {
        error = Check(path, out missing);
        if (error is not null) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[MaxBytes + 1];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
            if (total > MaxBytes)
            {
                error = $"{path} is larger than {MaxBytes / 1024} KB";
                return null;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path} cannot be read: {e.Message}";
            return null;
        }
    }
}
