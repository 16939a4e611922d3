using RulesEngine.Connectors.GoogleSheets.Emulator;

namespace RulesEngine.Connectors.GoogleSheets.Tests.Support;

/// <summary>An emulator with one spreadsheet, an API key, and a client pointed at it with fast retries.</summary>
internal sealed class SheetsTestBed : IAsyncDisposable
{
    public const string SpreadsheetId = "1SheetForTests_abc-XYZ";
    public const string ApiKey = "AIzaTestKey-0123456789abcdef";

    private SheetsTestBed(GoogleSheetsEmulator emulator) => Emulator = emulator;

    public GoogleSheetsEmulator Emulator { get; }

    public static async Task<SheetsTestBed> StartAsync()
    {
        var emulator = await GoogleSheetsEmulator.StartAsync();
        emulator.AddApiKey(ApiKey);
        return new SheetsTestBed(emulator);
    }

    public GoogleSheetsOptions Options(int maxAttempts = 4) => new()
    {
        BaseUrl = Emulator.BaseUrl,
        ApiKey = ApiKey,
        MaxAttempts = maxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        ReadsPerMinute = 10_000,
    };

    public GoogleSheetsClient Client(int maxAttempts = 4) => new(Options(maxAttempts));

    public NewRowsSource Source(string sheet, IReadOnlyList<string>? columns = null, IReadOnlyList<string>? required = null, int headerRow = 1,
        IReadOnlyList<string>? keys = null, EditedRows? editedRows = null) =>
        new(Client(), SpreadsheetId, sheet, headerRow, columns, required, keys, editedRows);

    /// <summary>The decoded ranges of the values.get requests received since the last clear.</summary>
    public IReadOnlyList<string> RangesRead() =>
        [.. Emulator.Received.Where(r => r.Path.Contains("/values/", StringComparison.Ordinal))
            .Select(r => r.Path[(r.Path.IndexOf("/values/", StringComparison.Ordinal) + "/values/".Length)..])];

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();
}
