using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
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
/// The note only has to survive the death of the process, not of the machine: it is written with one positioned
/// write into the page cache and never synced (a few microseconds per evaluation). Quarantined rows wait in a second
/// file until a run has recorded them. Runs of one flow are exclusive (the lease), so one writer per file.
/// A kill -9 that happens to land inside an evaluation (microseconds per row) quarantines that row too: it is
/// recorded as failed, never lost, and <c>replay --row N --force</c> runs it again.
/// </remarks>
internal sealed class EvaluationQuarantine : IEvaluationWatch, IDisposable
{
    private const byte Busy = (byte)'B';
    private const byte Idle = (byte)'-';

    private readonly SafeFileHandle _marker;
    private readonly string _listPath;
    private readonly Dictionary<string, string> _quarantined;

    private EvaluationQuarantine(string markerPath, string listPath)
    {
        _listPath = listPath;
        _quarantined = ReadList(listPath);
        if (ReadNote(markerPath) is { } note)
        {
            _quarantined[note.Key] = Describe(note);
            WriteList();
        }
        _marker = File.OpenHandle(markerPath, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.Write(_marker, [Idle], 0);
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
        var note = new Note(scope.ItemKey, scope.Row.Number, scope.CurrentStep, $"{location.File}({location.Line},{location.Column})", what);
        var json = JsonSerializer.SerializeToUtf8Bytes(note, NoteJson);
        var bytes = new byte[json.Length + 3];
        bytes[0] = Busy;
        bytes[1] = (byte)'\n';
        json.CopyTo(bytes, 2);
        bytes[^1] = (byte)'\n';
        RandomAccess.Write(_marker, bytes, 0);
    }

    public void Exit() => RandomAccess.Write(_marker, [Idle], 0);

    public void Dispose() => _marker.Dispose();

    private static string Describe(Note note) =>
        $"quarantined: a previous run ended (the process died: stack overflow, out of memory or killed) while evaluating the {note.What} " +
        $"of step '{note.Step}' at {note.Place} for row {note.Row}; this row is recorded as failed so that it cannot stop the flow again. " +
        "Fix the expression, then run the row again with replay --row N --force";

    private static Note? ReadNote(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 3 || bytes[0] != Busy) return null;
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
