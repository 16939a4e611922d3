using RulesEngine.Core.Running;

namespace RulesEngine.Cli.Output;

/// <summary>
/// The lines of a <c>run</c> or <c>replay</c> report that depend on each row, written as each batch's outcomes are
/// committed (<see cref="FlowRunner.RowRecorded"/>) rather than kept as reports until the run ends: one line per row,
/// and one per row that needs a person for the list at the end. The summary line comes first in the report but
/// counts every row, so the lines wait in a <see cref="LineSpool"/> (memory, then a temporary file) and are copied
/// out after it; the output is the same, byte for byte, as printing kept reports.
/// </summary>
internal sealed class RunLines : IDisposable
{
    /// <summary>About 1,000 rows' lines stay in memory (a few hundred KB); a bigger run's go to a temporary file.</summary>
    public const int DefaultMemoryChars = 256 * 1024;

    private readonly object _gate = new();
    private readonly string _newLine;
    private readonly LineSpool _rows;
    private readonly LineSpool _needsPerson;

    /// <param name="output">Where the lines will be copied: its line ending is the one written.</param>
    public RunLines(TextWriter output, int memoryChars = DefaultMemoryChars)
    {
        _newLine = output.NewLine;
        _rows = new LineSpool(memoryChars);
        _needsPerson = new LineSpool(memoryChars);
    }

    /// <summary>Rows added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Rows added so far that were skipped (for the Ctrl+C summary).</summary>
    public int Skipped { get; private set; }

    /// <summary>Whether the lines outgrew memory (for tests).</summary>
    public bool Spilled => _rows.Spilled || _needsPerson.Spilled;

    public void Add(ItemReport row)
    {
        lock (_gate)
        {
            Count++;
            if (row.Status == Core.State.RowStatus.Skipped) Skipped++;
            _rows.Write(Console.Format("  " + ReportPrinter.ItemLine(row)) + _newLine);
            if (row.Attention.NeedsPerson) _needsPerson.Write(Console.Format(ReportPrinter.NeedsPersonLine(row)) + _newLine);
        }
    }

    /// <summary>One line per row, in the order the rows were recorded.</summary>
    public void WriteRows(TextWriter output)
    {
        lock (_gate) _rows.CopyTo(output);
    }

    /// <summary>One line per row that needs a person, in the order the rows were recorded.</summary>
    public void WriteNeedsPerson(TextWriter output)
    {
        lock (_gate) _needsPerson.CopyTo(output);
    }

    /// <summary>Lines for reports a runner kept (<see cref="FlowRunner.KeepRows"/>).</summary>
    public static RunLines Of(IEnumerable<ItemReport> rows, TextWriter output)
    {
        var lines = new RunLines(output);
        foreach (var row in rows) lines.Add(row);
        return lines;
    }

    public void Dispose()
    {
        _rows.Dispose();
        _needsPerson.Dispose();
    }
}
