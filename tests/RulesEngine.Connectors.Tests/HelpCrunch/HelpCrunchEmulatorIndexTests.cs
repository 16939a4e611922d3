using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>The emulator's email index: a search by email reads only that email's contacts and answers as a full scan would.</summary>
public sealed class HelpCrunchEmulatorIndexTests
{
    private static async Task<JObject> PostAsync(HelpCrunchEmulator emulator, string path, JToken body)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConnection.ApiKey);
        request.Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request);
        return JObject.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JObject EmailSearch(string comparison, params string[] emails) => new()
    {
        ["comparison"] = comparison,
        ["filter"] = new JArray(emails.Select(e => new JObject { ["field"] = "customers.email", ["operator"] = "=", ["value"] = e })),
    };

    [Fact]
    public async Task SearchByEmails_AmongManyContacts_ReadsOnlyThoseEmailsContacts()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 2_000; i++) emulator.AddContact($"c{i}@example.com", "Contact " + i);
        emulator.AddContact("C7@EXAMPLE.COM", "Same email, other case");

        var before = emulator.ContactsRead;
        var answer = await PostAsync(emulator, "/customers/search", EmailSearch("OR", "c7@example.com", "c1999@example.com", "nobody@example.com"));

        Assert.Equal(["Contact 7", "Contact 1999", "Same email, other case"], answer["data"]!.Select(c => (string)c["name"]!));
        Assert.Equal(3, (int)answer["total"]!);
        Assert.Equal(3, emulator.ContactsRead - before);
    }

    [Fact]
    public async Task SearchWithAnOtherFilter_StillReadsEveryContact_AndAnAndNarrowsByItsEmailFilter()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        for (var i = 0; i < 50; i++) emulator.AddContact($"c{i}@example.com", i % 2 == 0 ? "Even" : "Odd");

        var before = emulator.ContactsRead;
        var or = new JObject
        {
            ["comparison"] = "OR",
            ["filter"] = new JArray(
                new JObject { ["field"] = "customers.email", ["operator"] = "=", ["value"] = "c1@example.com" },
                new JObject { ["field"] = "customers.name", ["operator"] = "=", ["value"] = "Even" }),
        };
        var orAnswer = await PostAsync(emulator, "/customers/search", or);
        Assert.Equal(26, (int)orAnswer["total"]!);
        Assert.Equal(50, emulator.ContactsRead - before);

        before = emulator.ContactsRead;
        or["comparison"] = "AND";
        var andAnswer = await PostAsync(emulator, "/customers/search", or);
        Assert.Equal(0, (int)andAnswer["total"]!);
        Assert.Equal(1, emulator.ContactsRead - before);
    }

    /// <summary>Random creates, email changes (also in case only) and deletes, then searches compared with a scan of the contacts.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task SearchByEmail_AnswersAsAScanWould_AfterRandomChanges(int seed)
    {
        var random = new Random(seed);
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        string RandomEmail() => $"{(random.Next(2) == 0 ? "a" : "A")}{random.Next(15)}@example.com";
        var ids = new List<long>();
        for (var i = 0; i < 40; i++) ids.Add((long)emulator.AddContact(RandomEmail(), "n" + i)["id"]!);
        for (var i = 0; i < 60; i++)
        {
            var id = ids[random.Next(ids.Count)];
            switch (random.Next(3))
            {
                case 0:
                    await PatchAsync(emulator, id, new JObject { ["email"] = RandomEmail() });
                    break;
                case 1:
                    await PatchAsync(emulator, id, new JObject { ["email"] = null });
                    break;
                default:
                    using (var http = new HttpClient())
                    using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"{emulator.BaseUrl}/customers/{id}"))
                    {
                        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConnection.ApiKey);
                        (await http.SendAsync(delete)).Dispose();
                    }
                    ids.Remove(id);
                    emulator.AddContact(RandomEmail(), "late" + i);
                    ids.Add(emulator.Contacts[^1].Value<long>("id"));
                    break;
            }
        }

        for (var n = 0; n < 15; n++)
        {
            var wanted = new[] { $"a{n}@example.com", $"A{(n + 3) % 15}@EXAMPLE.com" };
            var expected = emulator.Contacts
                .Where(c => wanted.Any(w => string.Equals((string?)c["email"], w, StringComparison.OrdinalIgnoreCase)))
                .Select(c => (long)c["id"]!).Take(100).ToList();
            var answer = await PostAsync(emulator, "/customers/search", EmailSearch("OR", wanted));
            Assert.Equal(expected, answer["data"]!.Select(c => (long)c["id"]!));
        }
    }

    [Fact]
    public async Task DuplicateEmailCheck_FollowsAnEmailThatChanged()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, new HelpCrunchEmulatorOptions { RejectDuplicateEmail = true });
        var id = (long)emulator.AddContact("old@example.com")["id"]!;
        await PatchAsync(emulator, id, new JObject { ["email"] = "new@example.com" });

        var reuseOld = await PostAsync(emulator, "/customers", new JObject { ["email"] = "OLD@example.com" });
        var takeNew = await PostAsync(emulator, "/customers", new JObject { ["email"] = "NEW@example.com" });

        Assert.Equal("OLD@example.com", (string?)reuseOld["email"]);
        Assert.Equal("Customer with email 'NEW@example.com' already exists", (string?)takeNew["errors"]![^1]!["message"]);
    }

    private static async Task PatchAsync(HelpCrunchEmulator emulator, long id, JObject fields)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{emulator.BaseUrl}/customers/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConnection.ApiKey);
        request.Content = new StringContent(fields.ToString(), Encoding.UTF8, "application/json");
        (await http.SendAsync(request)).EnsureSuccessStatusCode();
    }
}
