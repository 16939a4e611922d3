using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.HelpCrunch.Tests.Support;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>The fake server's own contract, spoken to with a plain HttpClient.</summary>
public sealed class HelpCrunchEmulatorTests
{
    private static async Task<(HttpStatusCode Status, JToken Body, HttpResponseMessage Response)> SendAsync(
        HelpCrunchEmulator emulator, HttpMethod method, string path, string? body = null, string? key = TestConnection.ApiKey)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(method, emulator.BaseUrl + path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.StartsWith('{') ? JToken.Parse(text) : new JValue(text), response);
    }

    [Fact]
    public async Task Emulator_Answers401InvalidToken_WhenKeyIsMissingOrWrong()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);

        var missing = await SendAsync(emulator, HttpMethod.Get, "/customers", key: null);
        var wrong = await SendAsync(emulator, HttpMethod.Get, "/customers", key: "nope-nope");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.Status);
        Assert.Equal("""{"errors":[{"code":"invalid_token","message":"Invalid token"}]}""", missing.Body.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
    }

    [Fact]
    public async Task Search_SupportsOperatorsComparisonAndPaging()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        emulator.AddContact(JObject.Parse("""{"email":"a@gmail.com","name":"A","lastSeen":"100"}"""));
        emulator.AddContact(JObject.Parse("""{"email":"b@gmail.com","name":"B","lastSeen":"200"}"""));
        emulator.AddContact(JObject.Parse("""{"email":"c@yahoo.com","name":"C","lastSeen":"300","tags":["vip"]}"""));

        async Task<string[]> Names(string body)
        {
            var (status, json, _) = await SendAsync(emulator, HttpMethod.Post, "/customers/search", body);
            Assert.Equal(HttpStatusCode.OK, status);
            return [.. json["data"]!.Select(c => c.Value<string>("name")!)];
        }

        Assert.Equal(["A", "B"], await Names("""{"filter":[{"field":"customers.email","operator":"~","value":"GMAIL"}]}"""));
        Assert.Equal(["C"], await Names("""{"filter":[{"field":"customers.email","operator":"!~","value":"gmail"}]}"""));
        Assert.Equal(["B", "C"], await Names("""{"filter":[{"field":"customers.lastSeen","operator":">=","value":200}]}"""));
        Assert.Equal(["A"], await Names("""{"filter":[{"field":"customers.lastSeen","operator":"<","value":200}]}"""));
        Assert.Equal(["A", "C"], await Names("""{"filter":[{"field":"customers.name","operator":"!=","value":"B"}]}"""));
        Assert.Equal(["A", "C"], await Names("""{"comparison":"OR","filter":[{"field":"customers.name","operator":"=","value":"A"},{"field":"customers.tagsData","operator":"=","value":[{"name":"vip"}]}]}"""));
        Assert.Empty(await Names("""{"comparison":"AND","filter":[{"field":"customers.name","operator":"=","value":"A"},{"field":"customers.lastSeen","operator":">","value":100}]}"""));
        Assert.Equal(["C", "B"], await Names("""{"filter":[],"sort":"customers.lastSeen","order":"DESC","limit":2}"""));

        var (_, page, _) = await SendAsync(emulator, HttpMethod.Post, "/customers/search", """{"filter":[{"field":"customers.email","operator":"~","value":"@"}],"limit":1,"offset":1}""");
        Assert.Equal(3, page["total"]!.Value<int>());
        Assert.Equal("B", page["data"]![0]!["name"]!.ToString());
    }

    [Fact]
    public async Task Create_RejectsInvalidLocale_AndOptionallyDuplicateEmail()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, new HelpCrunchEmulatorOptions { RejectDuplicateEmail = true });
        emulator.AddContact("ann@example.com");

        var locale = await SendAsync(emulator, HttpMethod.Post, "/customers", """{"email":"x@example.com","locale":"xx"}""");
        var email = await SendAsync(emulator, HttpMethod.Post, "/customers", """{"email":"ANN@example.com"}""");

        Assert.Equal(HttpStatusCode.BadRequest, locale.Status);
        Assert.Equal("invalid_locale_value", locale.Body["errors"]![1]!["code"]!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, email.Status);
        Assert.Equal("invalid_email_value", email.Body["errors"]![1]!["code"]!.ToString());
        Assert.Single(emulator.Contacts);
    }

    [Fact]
    public async Task PutAndTags_FollowDocumentedSemantics()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey);
        var id = emulator.AddContact(JObject.Parse("""{"email":"ann@example.com","name":"Ann","customData":{"plan":"pro"}}"""))["id"];

        var put = await SendAsync(emulator, HttpMethod.Put, $"/customers/{id}", """{"name":"Ann Lee"}""");
        var tagged = await SendAsync(emulator, HttpMethod.Put, $"/customers/{id}/tags", """{"tags":[{"name":"Lead","color":"#ccc"},{"name":"PPC"}]}""");
        var untagged = await SendAsync(emulator, HttpMethod.Delete, $"/customers/{id}/tags", """{"tags":[{"name":"Lead"}]}""");
        var deleted = await SendAsync(emulator, HttpMethod.Delete, $"/customers/{id}");
        var gone = await SendAsync(emulator, HttpMethod.Get, $"/customers/{id}");

        Assert.Equal(JTokenType.Null, put.Body["email"]!.Type); // PUT nulls what it leaves out (current docs)
        Assert.Equal("Ann Lee", put.Body["name"]!.ToString());
        Assert.Equal("[{\"name\":\"Lead\",\"color\":\"#ccc\"},{\"name\":\"PPC\",\"color\":\"#c377e0\"}]", tagged.Body["tags"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(["PPC"], untagged.Body["tags"]!.Select(t => t.Value<string>("name")));
        Assert.Equal((HttpStatusCode.OK, "Ok"), (deleted.Status, deleted.Body.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("entity_not_found", gone.Body["errors"]![1]!["code"]!.ToString());
    }

    [Fact]
    public async Task Emulator_Answers429WithRetryAfter_WhenRateLimitIsOn()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, new HelpCrunchEmulatorOptions { EnforceRateLimit = true, RequestsPerMinute = 2 });

        await SendAsync(emulator, HttpMethod.Get, "/customers");
        await SendAsync(emulator, HttpMethod.Get, "/customers");
        var (status, body, response) = await SendAsync(emulator, HttpMethod.Get, "/customers");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("too_many_requests", body["errors"]![1]!["code"]!.ToString());
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
    }

    [Fact]
    public async Task Emulator_AnswersCustomDataAsArray_WhenSwitchedToOldShape()
    {
        await using var emulator = await HelpCrunchEmulator.StartAsync(TestConnection.ApiKey, new HelpCrunchEmulatorOptions { CustomDataAsArray = true });
        var id = emulator.AddContact(JObject.Parse("""{"email":"ann@example.com","customData":{"plan":"pro"}}"""))["id"]!.ToString();
        using var client = TestConnection.Connect(emulator);

        var contact = await client.GetAsync(id);

        Assert.IsType<JArray>(contact!.Raw["customData"]);
        Assert.Equal("pro", contact.CustomData["plan"]!.ToString());
    }
}
