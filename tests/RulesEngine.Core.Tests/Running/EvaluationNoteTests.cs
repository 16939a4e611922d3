using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;
using RulesEngine.Sdk;

namespace RulesEngine.Core.Tests.Running;

/// <summary>
/// The evaluation note of <see cref="EvaluationQuarantine"/> as a memory-mapped file (issue 11): no system call per
/// evaluation, and a note another process (the next run) reads whole, however long and whatever was there before.
/// The killed-process version is HostileExpressionProcessTests; the run-level one QuarantineTests.
/// </summary>
public sealed class EvaluationNoteTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
    private static readonly RunInfo Run = new("contacts", "run-1", DateTimeOffset.UnixEpoch, "");
    private static readonly SourceLocation Filter = new("/flows/contacts.json", 4, 17);
    private static readonly SourceLocation Template = new("/flows/contacts.json", 9, 30);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Evaluations_WriteNoSystemCall()
    {
        // Linux counts each thread's write system calls (pwrite included) in /proc/thread-self/io.
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/thread-self/io")) return;
        using var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!;
        var scopes = Enumerable.Range(2, 20).Select(n => Scope($"key-{n}", n, "update")).ToList();
        quarantine.Enter(scopes[0], Filter, "condition"); // the first note encodes and maps; not what is counted
        quarantine.Exit();

        var before = WriteCalls();
        for (var i = 0; i < 1000; i++)
        {
            var scope = scopes[i % scopes.Count];
            quarantine.Enter(scope, i % 2 == 0 ? Filter : Template, i % 2 == 0 ? "condition" : "template");
            quarantine.Exit();
        }
        var after = WriteCalls();

        // 2,000 with a pwrite per Enter and per Exit; a few at most from anything else this thread does meanwhile.
        Assert.True(after - before < 20, $"{after - before} write system calls for 1,000 evaluations");
    }

    [Fact]
    public void Evaluations_AllocateNothing_OnceEachPlaceIsEncoded()
    {
        using var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!;
        var scopes = Enumerable.Range(2, 20).Select(n => Scope($"row:{n}@sheet-1", n, n % 2 == 0 ? "update" : "ifUpdateFailed")).ToList();
        quarantine.Enter(scopes[0], Filter, "condition");
        quarantine.Enter(scopes[0], Template, "template");
        quarantine.Exit();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            // a new row and step each time: the row's part is encoded again each time
            quarantine.Enter(scopes[i % scopes.Count], i % 2 == 0 ? Filter : Template, i % 2 == 0 ? "condition" : "template");
            quarantine.Exit();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1000, $"{allocated:N0} bytes allocated for 1,000 evaluations");
    }

    [Fact]
    public void KeyOfEveryPrintableCharacter_IsEscapedAsJson_AndReadBack()
    {
        var key = new string([.. Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c)]) + "\u00e9\t\u2028";
        using (var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!)
        {
            quarantine.Enter(Scope(key, 5, "update <b>&'+`</b>"), Filter, "condition");
        }

        var next = Admitted(key, 5);

        Assert.Equal(RowStatus.Error, next.Status);
        Assert.Contains("step 'update <b>&'+`</b>'", next.Error, StringComparison.Ordinal);
        Assert.Contains("\"key\":\" !\\u0022#$%\\u0026\\u0027()*\\u002B,-./0123", ReadAsAnotherProcessWould(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoteOfAProcessThatNeverExits_IsReadWholeByTheNextOpen()
    {
        var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!;
        quarantine.Enter(Scope("key-3", 3, "source filter"), Filter, "condition");
        // Not disposed, no Exit: as a killed process leaves it (its mapping's pages are the file's page cache).

        var text = ReadAsAnotherProcessWould();
        Assert.StartsWith("B\n{\"key\":\"key-3\",\"row\":3,\"step\":\"source filter\",\"place\":\"/flows/contacts.json(4,17)\",\"what\":\"condition\"}\n", text, StringComparison.Ordinal);

        var next = Admitted("key-3", 3);
        Assert.Equal(RowStatus.Error, next.Status);
        Assert.Contains("quarantined", next.Error, StringComparison.Ordinal);
        Assert.Contains("the condition of step 'source filter' at /flows/contacts.json(4,17) for row 3", next.Error, StringComparison.Ordinal);
        quarantine.Dispose();
    }

    [Fact]
    public void NoteLongerThanAPage_GrowsTheFile_AndIsReadWhole()
    {
        var key = new string('k', 20_000); // a row key is the sheet's data: any length
        var step = "step with \"quotes\", a line\nbreak and é";
        using (var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!)
        {
            quarantine.Enter(Scope(key, 7, step), Template, "template");
        }

        var next = Admitted(key, 7);

        Assert.Equal(RowStatus.Error, next.Status);
        Assert.Contains($"the template of step '{step}' at /flows/contacts.json(9,30) for row 7", next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortNoteOverALongerOne_IsReadAsItself()
    {
        using (var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!)
        {
            quarantine.Enter(Scope(new string('a', 9_000), 2, "a long step name"), Template, "template");
            quarantine.Exit();
            quarantine.Enter(Scope("key-3", 3, "update"), Filter, "condition");
            quarantine.Enter(Scope("key-4", 4, "update"), Template, "template"); // a second Enter without Exit replaces the note
        }

        Assert.Equal(RowStatus.Done, Admitted("key-3", 3).Status);
        var fourth = Admitted("key-4", 4);
        Assert.Equal(RowStatus.Error, fourth.Status);
        Assert.Contains("the template of step 'update' at /flows/contacts.json(9,30) for row 4", fourth.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecondOpen_NeverShortensTheFile_UnderTheFirstsMapping()
    {
        using var first = EvaluationQuarantine.Open(_directory, "contacts")!;
        first.Enter(Scope(new string('x', 30_000), 2, "update"), Template, "template");
        first.Exit();
        var path = Directory.GetFiles(_directory, "contacts-*.evaluating").Single();
        var grown = new FileInfo(path).Length;
        Assert.True(grown >= 30_000, $"the file is {grown} bytes");

        using (EvaluationQuarantine.Open(_directory, "contacts")) { }

        Assert.Equal(grown, new FileInfo(path).Length);
        // The first one's mapping still reaches its whole length (a shortened file would fault here: SIGBUS).
        first.Enter(Scope(new string('y', 30_000), 3, "update"), Template, "template");
        first.Exit();
    }

    private ItemRun Admitted(string key, int number)
    {
        using var quarantine = EvaluationQuarantine.Open(_directory, "contacts")!;
        var item = new SourceItem(key, number, new Dictionary<string, string>(), number.ToString());
        var run = new ItemRun(item, item.ToScope(Run), new Dictionary<string, RecordedStep>());
        quarantine.Admit(run);
        return run;
    }

    private static ItemScope Scope(string key, int number, string step)
    {
        var scope = new SourceItem(key, number, new Dictionary<string, string> { ["Email"] = "a@x.io" }, number.ToString()).ToScope(Run);
        scope.ItemKey = key;
        scope.CurrentStep = step;
        return scope;
    }

    private string ReadAsAnotherProcessWould()
    {
        var path = Directory.GetFiles(_directory, "contacts-*.evaluating").Single();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static long WriteCalls()
    {
        var line = File.ReadLines("/proc/thread-self/io").Single(l => l.StartsWith("syscw:", StringComparison.Ordinal));
        return long.Parse(line["syscw:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
