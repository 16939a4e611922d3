using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

public sealed class GoogleSheetsClientTests : IAsyncLifetime, IDisposable
{
    private const string Id = SheetsTestBed.SpreadsheetId;
    private readonly string _keys = Directory.CreateTempSubdirectory("sheets-keys-").FullName;
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await SheetsTestBed.StartAsync();
        _bed.Emulator.AddSheet(Id, "Sheet1", [["Name", "Amount"], ["Ann", "12.5"]]);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public void Dispose() => Directory.Delete(_keys, recursive: true);

    private GoogleSheetsClient ServiceAccountClient(string keyFile, int maxAttempts = 4)
    {
        var options = _bed.Options(maxAttempts);
        options.ApiKey = null;
        options.ServiceAccountKeyFile = keyFile;
        return new GoogleSheetsClient(options);
    }

    [Fact]
    public async Task GetValues_SendsApiKeyInQuery_AndNoAuthorizationHeader()
    {
        using var client = _bed.Client();

        var rows = await client.GetValuesAsync(Id, "Sheet1!A1:ZZ", default);

        Assert.Equal(["Ann", "12.5"], rows[1]);
        var request = Assert.Single(_bed.Emulator.Received);
        Assert.Contains("key=" + SheetsTestBed.ApiKey, request.Query);
        Assert.Contains("valueRenderOption=FORMATTED_VALUE", request.Query);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task GetValues_SignsInWithServiceAccount_AtTheKeysTokenUri()
    {
        var keyFile = _bed.Emulator.WriteServiceAccountKey(_keys);
        using var client = ServiceAccountClient(keyFile);

        await client.GetValuesAsync(Id, "Sheet1", default);
        await client.GetValuesAsync(Id, "Sheet1", default);

        var token = Assert.Single(_bed.Emulator.Received, r => r.Path == "/token");
        Assert.Contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", token.Body);
        Assert.All(_bed.Emulator.Received.Where(r => r.Path != "/token"), r =>
        {
            Assert.StartsWith("Bearer ya29.", r.Headers["Authorization"]);
            Assert.DoesNotContain("key=", r.Query);
        });
    }

    [Fact]
    public async Task GetValues_FetchesANewTokenOnce_WhenTheOldOneIsRejected()
    {
        using var client = ServiceAccountClient(_bed.Emulator.WriteServiceAccountKey(_keys));
        await client.GetValuesAsync(Id, "Sheet1", default);
        _bed.Emulator.ExpireTokens();

        var rows = await client.GetValuesAsync(Id, "Sheet1", default);

        Assert.Equal(2, rows.Count);
        Assert.Equal(2, _bed.Emulator.Received.Count(r => r.Path == "/token"));
    }

    [Fact]
    public async Task GetValues_SaysTheAccountIsInactive_WhenItsKeyWasRevoked()
    {
        var keyFile = _bed.Emulator.WriteServiceAccountKey(_keys, "robot@demo.iam.gserviceaccount.com");
        using var client = ServiceAccountClient(keyFile);
        _bed.Emulator.RevokeServiceAccount("robot@demo.iam.gserviceaccount.com");

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.True(error.IsInactiveAccount);
        Assert.Contains("invalid_grant", error.Message);
        Assert.Contains("robot@demo.iam.gserviceaccount.com is inactive", error.Message);
    }

    [Fact]
    public async Task GetValues_SaysTheAccountIsInactive_WhenTokensStopWorking()
    {
        using var client = ServiceAccountClient(_bed.Emulator.WriteServiceAccountKey(_keys), maxAttempts: 1);
        await client.GetValuesAsync(Id, "Sheet1", default);
        _bed.Emulator.RevokeServiceAccount("reader@emulated-project.iam.gserviceaccount.com");
        _bed.Emulator.ExpireTokens();

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.True(error.IsInactiveAccount);
        Assert.Contains("inactive", error.Message);
    }

    [Fact]
    public async Task Errors_NeverContainTheApiKey()
    {
        using var client = _bed.Client();
        _bed.Emulator.RevokeApiKey(SheetsTestBed.ApiKey);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.True(error.IsInactiveAccount);
        Assert.Contains("Google Sheets 400 INVALID_ARGUMENT: API key not valid", error.Message);
        Assert.Contains("API key is inactive", error.Message);
        Assert.DoesNotContain(SheetsTestBed.ApiKey, error.ToString());
    }

    [Fact]
    public async Task Errors_NeverContainTheApiKey_WhenTheServerIsUnreachable()
    {
        var options = _bed.Options(maxAttempts: 1);
        options.BaseUrl = "http://127.0.0.1:1/";
        using var client = new GoogleSheetsClient(options);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.Contains("could not reach Google Sheets", error.Message);
        Assert.DoesNotContain(SheetsTestBed.ApiKey, error.Message);
    }

    [Fact]
    public async Task GetValues_SaysWhomToShareWith_When403()
    {
        using var client = ServiceAccountClient(_bed.Emulator.WriteServiceAccountKey(_keys));
        _bed.Emulator.DenyAccess(Id);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.StartsWith("Google Sheets 403 PERMISSION_DENIED: The caller does not have permission — share the sheet with " +
            "reader@emulated-project.iam.gserviceaccount.com", error.Message);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task GetValues_SaysHowToFixTheId_When404_WithoutRetrying()
    {
        using var client = _bed.Client();

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync("no-such-id", "Sheet1", default));

        Assert.StartsWith("Google Sheets 404 NOT_FOUND: Requested entity was not found. — check spreadsheetId", error.Message);
        Assert.Single(_bed.Emulator.Received);
    }

    [Fact]
    public async Task GetValues_RetriesQuotaErrors_ThenSucceeds()
    {
        using var client = _bed.Client();
        _bed.Emulator.Faults.FailNext(Fault.Status(429));
        _bed.Emulator.Faults.FailNext(Fault.Status(503));

        var rows = await client.GetValuesAsync(Id, "Sheet1", default);

        Assert.Equal(2, rows.Count);
        Assert.Equal([429, 503, null], _bed.Emulator.Received.Select(r => r.FaultStatus));
    }

    [Fact]
    [Trait("Category", "Slow")] // real process or real wait (CONTRIBUTING.md)
    public async Task GetValues_WaitsAsLongAsRetryAfterSays()
    {
        using var client = _bed.Client();
        _bed.Emulator.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 1));
        var clock = Stopwatch.StartNew();

        await client.GetValuesAsync(Id, "Sheet1", default);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}");
    }

    [Fact]
    public async Task GetValues_GivesUp_AfterMaxAttempts()
    {
        using var client = _bed.Client(maxAttempts: 3);
        _bed.Emulator.Faults.FailRandomly(1.0, 1, Fault.Status(503));

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.True(error.IsTransient);
        Assert.Contains("gave up after 3 attempts", error.Message);
        Assert.Equal(3, _bed.Emulator.Received.Count);
    }

    [Fact]
    public async Task GetValues_RetriesTimeoutsAndDroppedConnections()
    {
        // The timeout runs on a fake clock and fires only once the emulator holds the first request (it never answers
        // it), so neither a slow machine nor a quick server can change which attempt times out. No retry delay: the
        // fake clock does not move on its own.
        var time = new FakeTimeProvider();
        var options = _bed.Options();
        options.Timeout = TimeSpan.FromSeconds(30);
        options.RetryBaseDelay = TimeSpan.Zero;
        using var client = new GoogleSheetsClient(options, time);
        _bed.Emulator.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)));
        _bed.Emulator.Faults.FailNext(Fault.Drop());

        var reading = client.GetValuesAsync(Id, "Sheet1", default);
        await Until(() => _bed.Emulator.Received.Count == 1, () => reading.IsCompleted);
        time.Advance(options.Timeout);
        var rows = await reading.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, rows.Count);
        Assert.Equal(3, _bed.Emulator.Received.Count);
    }

    /// <summary>Waits (in real time, generously) for <paramref name="condition"/>; fails at once if the call ended first.</summary>
    private static async Task Until(Func<bool> condition, Func<bool> ended)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!condition())
        {
            Assert.False(ended(), "the call ended before the condition held");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System, patience.Token);
        }
    }

    [Fact]
    public async Task GetValues_HitsTheEmulatorsReadQuota_WithoutPacing()
    {
        using var client = _bed.Client(maxAttempts: 1);
        _bed.Emulator.ReadQuotaPerMinute = 1;
        await client.GetValuesAsync(Id, "Sheet1", default);

        var error = await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        Assert.StartsWith("Google Sheets 429 RESOURCE_EXHAUSTED: Quota exceeded", error.Message);
    }

    [Fact]
    public async Task GetValues_ToleratesABaseUrlWithoutTrailingSlash()
    {
        var options = _bed.Options();
        options.BaseUrl = _bed.Emulator.BaseUrl.TrimEnd('/');
        using var client = new GoogleSheetsClient(options);

        Assert.Equal(2, (await client.GetValuesAsync(Id, "Sheet1", default)).Count);
    }

    [Fact]
    public async Task GetSheetTitles_ListsTheTabs()
    {
        _bed.Emulator.AddSheet(Id, "Second tab");
        using var client = _bed.Client();

        Assert.Equal(["Sheet1", "Second tab"], await client.GetSheetTitlesAsync(Id, default));
    }
}
