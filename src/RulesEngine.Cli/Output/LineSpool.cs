using System.Text;

namespace RulesEngine.Cli.Output;

/// <summary>
/// Text written now and copied to the output later, in order: in memory up to <c>memoryChars</c>, then in a
/// <see cref="PrivateTempFile"/>, so a run's report over 100,000 rows does not grow the process by the size of its text.
/// What goes in is already redacted and escaped (<see cref="Console.Format"/>).
/// </summary>
internal sealed class LineSpool(int memoryChars) : IDisposable
{
    private static readonly Encoding FileEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly StringBuilder _memory = new();
    private FileStream? _file;
    private StreamWriter? _fileWriter;

    /// <summary>Whether the text has outgrown memory and is in a file (for tests).</summary>
    public bool Spilled => _file is not null;

    public void Write(string text)
    {
        if (_fileWriter is null && _memory.Length + text.Length <= memoryChars)
        {
            _memory.Append(text);
            return;
        }
        if (_fileWriter is null) Spill();
        _fileWriter!.Write(text);
    }

    /// <summary>Writes everything spooled so far to <paramref name="output"/>, in the order it was written.</summary>
    public void CopyTo(TextWriter output)
    {
        if (_fileWriter is null)
        {
            output.Write(_memory);
            return;
        }
        _fileWriter.Flush();
        var end = _file!.Position;
        _file.Position = 0;
        // Read through a reader that does not own the stream: writing can go on after a copy (a Ctrl+C summary).
        using (var reader = new StreamReader(_file, FileEncoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true))
        {
            var buffer = new char[16 * 1024];
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0) output.Write(buffer, 0, read);
        }
        _file.Position = end;
    }

    private void Spill()
    {
        _file = PrivateTempFile.Create("report");
        _fileWriter = new StreamWriter(_file, FileEncoding, bufferSize: 64 * 1024, leaveOpen: true);
        _fileWriter.Write(_memory);
        _memory.Clear();
        _memory.Capacity = 0;
    }

    public void Dispose()
    {
        _fileWriter?.Dispose();
        _file?.Dispose();
    }
}
