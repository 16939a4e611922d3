using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace RulesEngine.Core.Running;

/// <summary>
/// The file that says what <see cref="EvaluationQuarantine"/> is evaluating, mapped into memory (shared), so a note is
/// written with memory copies and no system call. Layout: byte 0 is <see cref="Busy"/> or <see cref="Idle"/>, byte 1 a
/// line break, then the note (one line of JSON, ended by a line break). Bytes after that line are left over from a
/// longer note and are never read.
/// </summary>
internal sealed class EvaluationNoteFile : IDisposable
{
    public const byte Busy = (byte)'B';
    public const byte Idle = (byte)'-';

    /// <summary>One page: a note is a row's key, a step name and a place in a file; a longer one grows the mapping.</summary>
    private const long InitialCapacity = 4096;

    private readonly SafeFileHandle _file;
    private MemoryMappedFile _map = null!;
    private MemoryMappedViewAccessor _view = null!;
    private long _capacity;

    public EvaluationNoteFile(string path)
    {
        // OpenOrCreate, never Create: truncating a file another process has mapped makes that process fault (SIGBUS) on
        // its next note. The old content is read before (EvaluationQuarantine.ReadNote) and stops counting once idle.
        _file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        Map(Math.Max(InitialCapacity, RandomAccess.GetLength(_file)));
        _view.Write(0, Idle);
    }

    /// <summary>How many bytes are mapped (the file is at least that long).</summary>
    internal long Capacity => _capacity;

    /// <summary>Writes the note, then marks it busy: the note is whole by the time its first byte says it counts.</summary>
    /// <param name="note">One line of JSON ending with a line break.</param>
    public void WriteBusy(byte[] note, int length)
    {
        // Idle first: a note written over a busy one (no Exit between two Enters) is never read half old, half new.
        _view.Write(0, Idle);
        if (2 + length > _capacity) Map(Grown(2 + length));
        _view.WriteArray(2, note, 0, length);
        // SafeBuffer's calls take and release the handle with interlocked operations (full barriers), so this store is
        // not moved before the note's bytes.
        _view.Write(0, Busy);
    }

    public void WriteIdle() => _view.Write(0, Idle);

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
        _file.Dispose();
    }

    private static long Grown(long needed)
    {
        var capacity = InitialCapacity;
        while (capacity < needed) capacity *= 2;
        return capacity;
    }

    private void Map(long capacity)
    {
        _view?.Dispose();
        _map?.Dispose();
        // A capacity beyond the file's length extends the file (with zeros); a shorter one never shortens it.
        _map = MemoryMappedFile.CreateFromFile(_file, mapName: null, capacity, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, capacity, MemoryMappedFileAccess.ReadWrite);
        _capacity = capacity;
        _view.Write(1, (byte)'\n');
    }
}
