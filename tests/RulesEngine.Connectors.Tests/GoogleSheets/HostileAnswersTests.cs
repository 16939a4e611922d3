using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.GoogleSheets.Tests.Support;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>
/// The hostile-answers corpus for Google Sheets (<see cref="MalformedAnswers"/>): a 200 without what is read from it
/// (no "range", "values" not an array of arrays, HTML, an empty body; a write answer without "updatedRange") is the
/// service misbehaving: transient (a source read fails and is tried again, a write step holds its row), quoting what
/// came back, never "no rows" or a written row.
/// </summary>
public sealed class HostileAnswersTests : IAsyncLifetime
{
    private const string Id = WriterTestBed.SpreadsheetId;
    private WriterTestBed _bed = null!;

    public static TheoryData<string> ReadAnswers => [.. MalformedAnswers.ValuesGet.Keys];

    public static TheoryData<string> WriteAnswers => [.. MalformedAnswers.Write.Keys];

    public async Task InitializeAsync() => _bed = await WriterTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Theory]
    [MemberData(nameof(ReadAnswers))]
    public async Task GetValues_FailsTransiently_QuotingTheAnswer_WhenTheValueRangeIsMalformed(string name)
    {
        using var client = _bed.Client(apiKey: true);
        var fault = MalformedAnswers.ValuesGet[name];
        _bed.Emulator.Faults.FailNext(fault, "/values/");

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Contacts!A1:Z", default));

        Assert.True(error.IsTransient && error.Malformed, error.Message);
        Assert.Contains("misbehaved", error.Message, StringComparison.Ordinal);
        Assert.Contains(Quoted(fault.Body), Unspaced(error.Message), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ReadAnswers))]
    public async Task WholeTabRead_FailsTransiently_WhenTheValueRangeIsMalformed_NeverReadsItAsRows(string name)
    {
        using var client = _bed.Client(apiKey: true);
        _bed.Emulator.Faults.FailNext(MalformedAnswers.ValuesGet[name], "/values/");
        var rows = 0;

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValueRowsAsync(Id, "Contacts!A1:ZZ", () => new CountingSink(() => rows++), default));

        Assert.True(error.IsTransient && error.Malformed, error.Message);
        Assert.Contains("misbehaved", error.Message, StringComparison.Ordinal);
    }

    private sealed class CountingSink(Action counted) : IRowSink
    {
        public void Add(RawRow row) => counted();
    }

    [Theory]
    [MemberData(nameof(WriteAnswers))]
    public async Task AppendRow_FailsTransiently_QuotingTheAnswer_WhenTheAnswerIsMalformed(string name)
    {
        using var client = _bed.Client();
        var fault = MalformedAnswers.Write[name];
        _bed.Emulator.Faults.FailNext(fault, ":append");

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.AppendRowAsync(Id, "Contacts!A1:D", ["cy@example.com"], false, default));

        Assert.True(error.IsTransient && error.Malformed && error.MayHaveActed, error.Message);
        Assert.Contains(Quoted(fault.Body), Unspaced(error.Message), StringComparison.Ordinal);
        Assert.Single(_bed.Emulator.Received, r => r.Path.EndsWith(":append", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetValues_ReadsNoRows_WhenTheDocumentedValueRangeHasNoValues()
    {
        using var client = _bed.Client(apiKey: true);
        _bed.Emulator.Faults.FailNext(RulesEngine.Emulation.Fault.Answer("""{"range": "Contacts!A1:Z1000", "majorDimension": "ROWS"}"""), "/values/");

        Assert.Empty(await client.GetValuesAsync(Id, "Contacts!A1:Z", default));
    }

    // The client quotes the answer as parsed JSON (compact) or as text: compare without whitespace.
    private static string Quoted(string body)
    {
        var text = Unspaced(body);
        return text.Length == 0 ? "(empty)" : text[..Math.Min(text.Length, 30)];
    }

    private static string Unspaced(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)));
}

/// <summary>9/13 for Google Sheets: on a stop no new attempt starts; the retry wait ends at once.</summary>
public sealed class StopTests
{
    [Fact]
    public async Task Stop_DuringTheRetryWait_StartsNoNewAttempt()
    {
        await using var bed = await WriterTestBed.StartAsync();
        for (var i = 0; i < 5; i++) bed.Emulator.Faults.FailNext(RulesEngine.Emulation.Fault.Status(503), ":append");
        var options = new GoogleSheetsOptions
        {
            BaseUrl = bed.Emulator.BaseUrl, ServiceAccountKeyFile = bed.KeyFile, MaxAttempts = 5,
            RetryBaseDelay = TimeSpan.FromMinutes(5), // without the stop, the wait outlasts the test's patience
            ReadsPerMinute = 10_000, WritesPerMinute = 10_000,
        };
        using var client = new GoogleSheetsClient(options);
        using var stopping = new CancellationTokenSource();

        Task<SheetWriteResult> append;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            append = client.AppendRowAsync(WriterTestBed.SpreadsheetId, "Contacts!A1:D", ["cy@example.com"], false, default);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (!bed.Emulator.Received.Any(r => r.Path.EndsWith(":append", StringComparison.Ordinal)))
                await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
        await stopping.CancelAsync();

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => append.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(error.IsTransient, error.Message);
        Assert.Contains("not retried: the run is stopping", error.Message, StringComparison.Ordinal);
        Assert.Single(bed.Emulator.Received, r => r.Path.EndsWith(":append", StringComparison.Ordinal));
    }
}
