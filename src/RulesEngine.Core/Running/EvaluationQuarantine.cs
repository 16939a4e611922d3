using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Running;

/// <summary>
/// The last layer against an expression that ends the process (see docs/expressions.md, trust model): while an
/// expression is evaluated for a row, a small file per flow says which row, which step and which place in the file;
/// once the evaluation ends it says "idle". A process that dies mid-evaluation leaves the note behind, and the
/// flow's next run records that row as failed with the reason (quarantine) instead of evaluating it again and
/// dying again, so one hostile row cannot stop a flow (or crash-loop a daemon) for good.
/// </summary>
/// <remarks>
/// The note only has to survive the death of the process, not of the machine: it lives in a shared memory mapping of
/// the file (the page cache), so writing it is a memory copy, never a system call (issue 11: two <c>pwrite</c>s and a
/// serialization per evaluation, about 7 a row, were 3% of a run's CPU). A process killed at any instant leaves the
/// page cache as its last stores made it, and the next process reads the file through it. The note's text is written
/// before its first byte says "busy", so a note is whole whenever it counts. Quarantined rows wait in a second file
/// until a run has recorded them. Runs of one flow are exclusive (the lease), so one writer per file; the file never
/// shrinks (a second opener would otherwise cut a mapping short under the first, which faults on its next note).
/// A kill -9 that happens to land inside an evaluation (microseconds per row) quarantines that row too: it is
/// recorded as failed, never lost, and <c>replay --row N --force</c> runs it again.
/// </remarks>
internal sealed class EvaluationQuarantine : IEvaluationWatch, IDisposable
{
    private readonly EvaluationNoteFile _note;
    private readonly string _listPath;
    private readonly Dictionary<string, string> _quarantined;

    // The note in JSON, made of two parts: the row's (key, number, step: the same for every expression of a step),
    // encoded at the start of the buffer, and the expression's (its place and kind, the same for every row), kept
    // encoded per expression. Only a new row or step encodes again, in place: a note allocates nothing.
    private byte[] _buffer = new byte[1024];
    private int _rowLength;
    private string? _rowKey;
    private int _rowNumber;
    private string? _rowStep;
    private readonly Dictionary<SourceLocation, (string What, byte[] Part)> _places = new(ReferenceEqualityComparer.Instance);

    private EvaluationQuarantine(string markerPath, string listPath)
    {
        _listPath = listPath;
        _quarantined = ReadList(listPath);
        if (ReadNote(markerPath) is { } note)
        {
            _quarantined[note.Key] = Describe(note);
            WriteList();
        }
        _note = new EvaluationNoteFile(markerPath);
    }

    /// <summary>The quarantine of <paramref name="flow"/> in <paramref name="directory"/>; null without a directory.</summary>
    public static EvaluationQuarantine? Open(string? directory, string flow)
    {
        if (directory is null) return null;
        Directory.CreateDirectory(directory);
        var name = FileName(flow);
        return new EvaluationQuarantine(Path.Combine(directory, name + ".evaluating"), Path.Combine(directory, name + ".quarantine"));
    }

    /// <summary>Where a store keeps its notes: beside a state file; for a database, in this machine's application
    /// data, one folder per database. The notes are about this machine's processes (one that died evaluating a row),
    /// so they need not be shared: another node that dies on the same row quarantines it in its own notes.</summary>
    public static string? DirectoryFor(State.IStateStore store)
    {
        if (store is State.SqliteStateStore sqlite) return sqlite.Path + ".evaluating";
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data)) data = Path.GetTempPath();
        // The location names no password; hashed, it is a folder name whatever characters it holds.
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(store.Location)))[..16].ToLowerInvariant();
        return Path.Combine(data, "rulesengine", "evaluating", key);
    }

    /// <summary>Watches the item's evaluations; when an earlier process died evaluating it, marks it failed instead.</summary>
    public void Admit(ItemRun item)
    {
        item.Scope.Watch = this;
        item.Scope.ItemKey = item.Item.Key;
        if (!_quarantined.TryGetValue(item.Item.Key, out var reason)) return;
        item.Status = State.RowStatus.Error;
        item.Error = reason;
    }

    /// <summary>The item's outcome is recorded: it leaves the quarantine list.</summary>
    public void Recorded(string itemKey)
    {
        if (_quarantined.Remove(itemKey)) WriteList();
    }

    public void Enter(ItemScope scope, SourceLocation location, string what)
    {
        EncodeRow(scope);
        var place = PlacePart(location, what);
        var length = _rowLength + place.Length;
        Reserve(length);
        place.CopyTo(_buffer, _rowLength);
        _note.WriteBusy(_buffer, length);
    }

    public void Exit() => _note.WriteIdle();

    public void Dispose() => _note.Dispose();

    /// <summary><c>{"key":…,"row":…,"step":…</c> of the scope's row and step, at the start of the buffer.</summary>
    private void EncodeRow(ItemScope scope)
    {
        var number = scope.Row.Number;
        if (ReferenceEquals(scope.ItemKey, _rowKey) && number == _rowNumber && ReferenceEquals(scope.CurrentStep, _rowStep)) return;
        var at = Put(0, "{\"key\":\""u8);
        at = PutText(at, scope.ItemKey);
        at = Put(at, "\",\"row\":"u8);
        Reserve(at + 11);
        number.TryFormat(_buffer.AsSpan(at), out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        at = Put(at + digits, ",\"step\":\""u8);
        at = PutText(at, scope.CurrentStep);
        _rowLength = Put(at, "\""u8);
        (_rowKey, _rowNumber, _rowStep) = (scope.ItemKey, number, scope.CurrentStep);
    }

    private int Put(int at, ReadOnlySpan<byte> bytes)
    {
        Reserve(at + bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(at));
        return at + bytes.Length;
    }

    /// <summary>A JSON string's content: as is when no character needs escaping (a usual key or step name), else as
    /// the serializer's encoder writes it.</summary>
    private int PutText(int at, string text)
    {
        if (text.AsSpan().ContainsAnyExcept(PlainCharacters)) return Put(at, JsonEncodedText.Encode(text).EncodedUtf8Bytes);
        Reserve(at + text.Length);
        return at + Encoding.ASCII.GetBytes(text, _buffer.AsSpan(at));
    }

    /// <summary>Grows the buffer to hold <paramref name="length"/> bytes, keeping what it holds.</summary>
    private void Reserve(int length)
    {
        if (_buffer.Length < length) Array.Resize(ref _buffer, Math.Max(length, _buffer.Length * 2));
    }

    // ASCII the JSON encoder writes unchanged (it escapes quotes, backslashes, controls and HTML-sensitive characters).
    private static readonly System.Buffers.SearchValues<char> PlainCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.@:/#$%()*,;=?[]^{|}~!");

    /// <summary><c>,"place":…,"what":…}</c> and the line break that ends the note.</summary>
    private byte[] PlacePart(SourceLocation location, string what)
    {
        if (_places.TryGetValue(location, out var known) && string.Equals(known.What, what, StringComparison.Ordinal)) return known.Part;
        byte[] part = [
            .. ",\"place\":\""u8,
            .. JsonEncodedText.Encode($"{location.File}({location.Line},{location.Column})").EncodedUtf8Bytes,
            .. "\",\"what\":\""u8,
            .. JsonEncodedText.Encode(what).EncodedUtf8Bytes,
            .. "\"}\n"u8,
        ];
        _places[location] = (what, part);
        return part;
    }

    private static string Describe(Note note) =>
        $"quarantined: a previous run ended (the process died: stack overflow, out of memory or killed) while evaluating the {note.What} " +
        $"of step '{note.Step}' at {note.Place} for row {note.Row}; this row is recorded as failed so that it cannot stop the flow again. " +
        "Fix the expression, then run the row again with replay --row N --force";

    private static Note? ReadNote(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 3 || bytes[0] != EvaluationNoteFile.Busy) return null;
            var end = Array.IndexOf(bytes, (byte)'\n', 2);
            return end < 0 ? null : JsonSerializer.Deserialize<Note>(bytes.AsSpan(2, end - 2), NoteJson);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null; // no note, or a torn one: nothing to quarantine
        }
    }

    private static Dictionary<string, string> ReadList(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllBytes(path), NoteJson) ?? [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private void WriteList()
    {
        var temporary = _listPath + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(_quarantined, NoteJson));
        File.Move(temporary, _listPath, overwrite: true);
    }

    private static string FileName(string flow)
    {
        var safe = new StringBuilder();
        foreach (var c in flow) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(flow)))[..8];
        return $"{safe}-{hash}";
    }

    private static readonly JsonSerializerOptions NoteJson = new(JsonSerializerDefaults.Web);

    private sealed record Note(string Key, int Row, string Step, string Place, string What);
}
