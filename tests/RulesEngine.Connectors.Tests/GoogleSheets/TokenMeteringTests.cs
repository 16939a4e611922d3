using RulesEngine.Connectors.GoogleSheets.Tests.Support;
using RulesEngine.Tests.Telemetry;

namespace RulesEngine.Connectors.GoogleSheets.Tests;

/// <summary>A service account's token requests are counted in <c>rulesengine.api.requests</c> as service
/// "googleOAuth", apart from the sheet requests; no label carries the account, the key or a token.</summary>
[Collection(ApiRequestCountsCollection.Name)]
public sealed class TokenMeteringTests : IAsyncLifetime, IDisposable
{
    private const string Id = SheetsTestBed.SpreadsheetId;
    private const string Account = "metered@emulated-project.iam.gserviceaccount.com";
    private readonly string _keys = Directory.CreateTempSubdirectory("sheets-keys-").FullName;
    private SheetsTestBed _bed = null!;

    public async Task InitializeAsync()
    {
        _bed = await SheetsTestBed.StartAsync();
        _bed.Emulator.AddSheet(Id, "Sheet1", [["Name", "Amount"], ["Ann", "12.5"]]);
    }

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    public void Dispose() => Directory.Delete(_keys, recursive: true);

    [Fact]
    public async Task TokenRequests_AreCounted_ApartFromSheetRequests()
    {
        using var client = Client(_bed.Emulator.WriteServiceAccountKey(_keys, Account));
        using var counts = new ApiRequestCounts();

        await client.GetValuesAsync(Id, "Sheet1", default);
        await client.GetValuesAsync(Id, "Sheet1", default);
        _bed.Emulator.RevokeServiceAccount(Account);
        _bed.Emulator.ExpireTokens();
        await Assert.ThrowsAsync<GoogleSheetsException>(() => client.GetValuesAsync(Id, "Sheet1", default));

        var tokens = _bed.Emulator.Received.Where(r => r.Path == "/token").ToList();
        Assert.Equal(2, tokens.Count); // one for the first read (cached for the second), one after the old was rejected
        Assert.Equal([("googleOAuth", "200"), ("googleOAuth", "400")], counts.Seen.Where(s => s.Service == "googleOAuth"));
        Assert.Equal(_bed.Emulator.Received.Count - tokens.Count, counts.Seen.Count(s => s.Service == "googleSheets"));
        var secrets = _bed.Emulator.Received.Select(r => r.Headers.GetValueOrDefault("Authorization")).OfType<string>().Select(h => h.Split(' ').Last())
            .Append(Account).Append(File.ReadAllText(Directory.GetFiles(_keys).Single()));
        Assert.All(counts.LabelValues, value => Assert.All(secrets, secret => Assert.DoesNotContain(secret, value, StringComparison.Ordinal)));
    }

    private GoogleSheetsClient Client(string keyFile)
    {
        var options = _bed.Options(maxAttempts: 1);
        options.ApiKey = null;
        options.ServiceAccountKeyFile = keyFile;
        return new GoogleSheetsClient(options);
    }
}
