using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.HelpCrunch.Emulator;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// Issue 11: HelpCrunch's answers are read without a JSON tree when they are well formed
/// (<see cref="HelpCrunchAnswerReader"/>), and exactly as the tree reader reads them: the same contacts, fields, totals
/// and, for anything else, the same error (a malformed answer is the service misbehaving, never "not found"). Each
/// body below is read both ways and the two readings compared; then that the well-formed ones build no tree.
/// </summary>
public sealed class AnswerReaderTests
{
    private const string Customer = """
        {"id": 542335, "name": "John Doe", "email": "john@example.com", "userId": "user_1234567890", "company": "Example Inc.",
         "phone": "+10233456781", "firstSeen": "1603885746", "lastSeen": 1603885746,
         "location": {"regionCode": "CA", "countryCode": "US", "city": "San Francisco"},
         "device": {"id": 28883192, "ip": "192.168.1.1", "timezone": "America/Los Angeles", "platform": "desktop", "userAgent": "Mozilla/5.0"},
         "unsubscribed": false, "blocked": false, "source": "https://example.com", "referer": null, "locale": "en",
         "notes": "Lorem \"ipsum\" \u00e9 \ud83d\ude00", "tags": [{"name": "vip", "color": "#ff0000"}, "plain"],
         "customData": {"subscription_status": "active", "number_of_payments": 15, "last_payment_was_successful": true}}
        """;

    /// <summary>Bodies each reader must read alike: the hostile corpus, the tolerated variants and the corners of JSON.</summary>
    public static TheoryData<string> Bodies()
    {
        var bodies = new TheoryData<string>();
        foreach (var body in MalformedAnswers.Search.Values.Concat(MalformedAnswers.Customer.Values).Select(f => f.Body).Concat(Corners).Distinct())
            bodies.Add(body);
        return bodies;
    }

    private static readonly string[] Corners =
    [
        "{\"data\": [" + Customer + "], \"total\": 1}",
        "{\"data\": [" + Customer + "," + Customer.Replace("542335", "\"77\"", StringComparison.Ordinal) + "], \"total\": 2, \"extra\": [1, {\"a\": null}]}",
        "[" + Customer + "]",
        "{\"data\": [" + Customer + "]}",
        "{\"data\": [" + Customer + "], \"total\": \"1\"}",
        "{\"data\": [" + Customer + "], \"total\": 1.0}",
        "{\"data\": [" + Customer + "], \"total\": 1e0}",
        "{\"data\": [" + Customer + "], \"total\": -1}",
        "{\"data\": [" + Customer + "], \"total\": 2147483648}",
        "{\"data\": [" + Customer + "], \"total\": null}",
        "{\"data\": [" + Customer + "], \"total\": 1, \"total\": 3}",
        "{\"data\": [], \"data\": [" + Customer + "], \"total\": 1}",
        "{\"data\": [{\"data\": " + Customer + "}], \"total\": 1}",
        "{\"data\": [{\"data\": {\"data\": {\"id\": 5}}}], \"total\": 1}",
        "{\"data\": [{\"id\": 5, \"data\": {\"id\": 6}}], \"total\": 1}",
        "{\"data\": [{\"id\": null, \"data\": {\"id\": 6}}], \"total\": 1}",
        "{\"data\": [{\"data\": {\"id\": 6}, \"data\": 3}], \"total\": 1}",
        """{"data": [{"id": 5, "id": 6}], "total": 1}""",
        """{"data": [{"id": 5, "email": "a@x.io", "email": "b@x.io"}], "total": 1}""",
        """{"data": [{"id": 5, "email": "a@x.io", "email": 7}], "total": 1}""",
        """{"data": [{"id": 5, "email": 12.50, "userId": true, "name": 123456789012345678901234567890, "locale": 1e400}], "total": 1}""",
        """{"data": [{"id": 5, "email": {"x": 1}, "userId": [1], "name": null}], "total": 1}""",
        """{"data": [{"id": "0000000000000000001"}, {"id": "9223372036854775807"}], "total": 2}""",
        """{"data": [{"id": "9223372036854775808"}], "total": 1}""",
        """{"data": [{"id": 9223372036854775807}], "total": 1}""",
        """{"data": [{"id": 9223372036854775808}], "total": 1}""",
        """{"data": [{"id": -0}], "total": 1}""",
        """{"data": [{"id": 1E3}], "total": 1}""",
        """{"data": [{"id": 5.0}], "total": 1}""",
        """{"data": [{"id": "5.0"}], "total": 1}""",
        """{"data": [{"id": ""}], "total": 1}""",
        """{"data": [{"id": "\u0035"}], "total": 1}""",
        """{"d\u0061ta": [{"\u0069d": 5, "em\u0061il": "x\u0040y.io"}], "tot\u0061l": 1}""",
        """{"data": [{"id": 5, "email": "\ud800"}], "total": 1}""",
        """{"data": [{"id": 5, "email": "a@x.io"}], "total": 1} """,
        " \r\n\t{\"data\": [{\"id\": 5}], \"total\": 1}\n",
        "\uFEFF{\"data\": [{\"id\": 5}], \"total\": 1}",
        "\u00A0{\"data\": [{\"id\": 5}], \"total\": 1}",
        """{"data": [{"id": 5}], "total": 1} {"data": []}""",
        """{"data": [{"id": 5}], "total": 1} // cached""",
        """{"data": [{"id": 5, /* note */ "email": "a@x.io"}], "total": 1}""",
        """{'data': [{'id': 5, 'email': 'a@x.io'}], 'total': 1}""",
        """{data: [{id: 5}], total: 1}""",
        """{"data": [{"id": 5,}], "total": 1}""",
        """{"data": [{"id": 5}], "total": 1,}""",
        """{"data": [{"id": 5, "lastSeen": NaN}], "total": 1}""",
        """{"data": [{"id": 007}], "total": 1}""",
        """{"data": [{"id": 5, "email": "tab	inside"}], "total": 1}""",
        """{"data": [{"id": 5, "email": "bad \x escape"}], "total": 1}""",
        "{\"data\": [{\"id\": 5, \"deep\": " + new string('[', 40) + new string(']', 40) + "}], \"total\": 1}",
        "{\"data\": [{\"id\": 5, \"deep\": " + new string('[', 61) + new string(']', 61) + "}], \"total\": 1}",
        "{\"data\": [{\"id\": 5, \"deep\": " + new string('[', 70) + new string(']', 70) + "}], \"total\": 1}",
        """{"data": [{"id": 5, "firstSeen": "2026-12-05T10:00:00Z", "lastSeen": "not a date"}], "total": 1}""",
        """{"data": [{"id": 5, "customData": [{"property": "plan", "value": "gold"}, {"value": 1}, 3]}], "total": 1}""",
        """{"data": [{"id": 5}, {"id": 6}], "total": 7}""",
        """{"data": [], "total": 0}""",
        """{"data": []}""",
        """{"id": 542335}""",
        """{"data": {"id": 542335}}""",
        """{"data": {"id": 542335}, "id": null}""",
        """{"id": 5} trailing""",
        "[]",
        "5",
        "\"text\"",
        "true",
        "   ",
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public void SearchAnswer_ReadsAsTheTreeReadsIt(string body)
    {
        foreach (var offset in new[] { 0, 1, 100 })
            Assert.Equal(Reading(() => HelpCrunchAnswer.SearchFromTree(200, body, offset)), Reading(() => HelpCrunchAnswer.Search(200, body, offset)));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void CustomerAnswer_ReadsAsTheTreeReadsIt(string body)
    {
        Assert.Equal(Reading(() => HelpCrunchAnswer.CustomerFromTree(201, body, mayHaveActed: true)), Reading(() => HelpCrunchAnswer.Customer(201, body, mayHaveActed: true)));
        Assert.Equal(Reading(() => HelpCrunchAnswer.CustomerFromTree(200, body, mayHaveActed: false)), Reading(() => HelpCrunchAnswer.Customer(200, body, mayHaveActed: false)));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void BatchAnswer_IsAcceptedOrRefusedAsTheTreeDoes(string body) =>
        Assert.Equal(Outcome(() => HelpCrunchAnswer.BatchFromTree(200, body)), Outcome(() => HelpCrunchAnswer.Batch(200, body)));

    [Fact]
    public void RandomAnswers_ReadAsTheTreeReadsThem()
    {
        var random = new Random(11);
        for (var i = 0; i < 400; i++)
        {
            var body = RandomAnswer(random);
            var offset = random.Next(3) == 0 ? 100 : 0;
            Assert.Equal(Reading(() => HelpCrunchAnswer.SearchFromTree(200, body, offset)), Reading(() => HelpCrunchAnswer.Search(200, body, offset)));
            Assert.Equal(Outcome(() => HelpCrunchAnswer.BatchFromTree(200, body)), Outcome(() => HelpCrunchAnswer.Batch(200, body)));
        }
    }

    [Fact]
    public void DocumentedSearchPage_BuildsNoTree_UntilAContactsWholeObjectIsAskedFor()
    {
        var page = HelpCrunchAnswer.Search(200, Page(50), 0);

        Assert.Equal(50, page.Contacts.Count);
        Assert.Equal(50, page.Total);
        Assert.All(page.Contacts, c => Assert.False(c.HasTree));
        var third = page.Contacts[2];
        Assert.Equal(("1002", "person2@example.com", "u2", "Person 2"), (third.Id, third.Email, third.UserId, third.Name));
        Assert.Equal("person2@example.com", third.Field("email"));
        Assert.False(third.HasTree); // matched and updated by id: the common case reads no tree

        Assert.Equal(["lead"], third.Tags);
        Assert.True(third.HasTree);
        Assert.Equal("gold", third.CustomData["plan"]?.ToString());
        Assert.Equal("San Francisco", third.Raw["location"]?["city"]?.ToString());
    }

    [Fact]
    public void DocumentedSearchPage_AllocatesAFractionOfItsTree()
    {
        var body = Page(50);
        Read(body); // the first call allocates once-only things (statics, the JIT's)
        Tree(body);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Read(body);
        var read = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        Tree(body);
        var tree = GC.GetAllocatedBytesForCurrentThread() - before;

        // The tree reader allocated the tree and more; the reader without one about the body's bytes and a contact each.
        Assert.True(read * 3 < tree, $"read {read:N0} bytes, the tree alone {tree:N0}");

        static void Read(string body) => HelpCrunchAnswer.Search(200, body, 0);

        static void Tree(string body)
        {
            using var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None };
            JToken.ReadFrom(reader, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Ignore });
        }
    }

    [Fact]
    public void BatchAnswerThatIsNotJson_IsStillHeldAsMalformed()
    {
        var e = Assert.Throws<HelpCrunchException>(() => HelpCrunchAnswer.Batch(200, """[{"id": 5}] <html>"""));
        Assert.True(e.Malformed);
        Assert.True(e.MayHaveActed);
    }

    private static string Page(int count)
    {
        var data = new JArray();
        for (var i = 0; i < count; i++)
        {
            var contact = JObject.Parse(Customer);
            contact["id"] = 1000 + i;
            contact["email"] = $"person{i}@example.com";
            contact["userId"] = $"u{i}";
            contact["name"] = $"Person {i}";
            contact["tags"] = new JArray(new JObject { ["name"] = "lead" });
            contact["customData"] = new JObject { ["plan"] = "gold" };
            data.Add(contact);
        }
        return new JObject { ["data"] = data, ["total"] = count }.ToString(Formatting.None);
    }

    /// <summary>A search answer from parts both usual and odd, so the two readers meet each combination.</summary>
    private static string RandomAnswer(Random random)
    {
        string[] ids = ["5", "\"6\"", "0", "-1", "1.5", "1e2", "null", "\"x\"", "{}", "9223372036854775808", "\"00000000000000000012\"", "42"];
        string[] values = ["\"a@x.io\"", "\"A@X.IO\"", "null", "12", "12.5", "true", "[1, 2]", "{\"k\": \"v\"}", "\"\\u00e9\\ud83d\\ude00\"", "1e400", "\"1603885746\""];
        string[] fields = ["email", "userId", "name", "locale", "firstSeen", "lastSeen", "tags", "customData", "phone", "data"];
        var items = new List<string>();
        for (var n = random.Next(4); n > 0; n--)
        {
            var properties = new List<string>();
            if (random.Next(6) != 0) properties.Add($"\"id\": {ids[random.Next(ids.Length)]}");
            for (var p = random.Next(5); p > 0; p--)
                properties.Add($"\"{fields[random.Next(fields.Length)]}\": {values[random.Next(values.Length)]}");
            if (random.Next(10) == 0) properties.Add($"\"id\": {ids[random.Next(ids.Length)]}");
            var item = "{" + string.Join(", ", properties.OrderBy(_ => random.Next())) + "}";
            items.Add(random.Next(8) == 0 ? "{\"data\": " + item + "}" : item);
        }
        var array = "[" + string.Join(", ", items) + "]";
        string[] totals = ["", $", \"total\": {items.Count}", $", \"total\": {items.Count + 100}", $", \"total\": \"{items.Count}\"", ", \"total\": 0", ", \"total\": null", ", \"total\": 1.0"];
        var body = random.Next(10) == 0 ? array : "{\"data\": " + array + totals[random.Next(totals.Length)] + "}";
        return random.Next(15) == 0 ? body + " x" : body;
    }

    /// <summary>Everything a step can read from a search page, fields before the whole object (so the reader's own
    /// field reading is what is compared), or the error.</summary>
    private static string Reading(Func<HelpCrunchSearchResult> read) => Outcome(() =>
    {
        var page = read();
        return $"total {page.Total}\n" + string.Join("\n", page.Contacts.Select(Describe));
    });

    private static string Reading(Func<HelpCrunchContact> read) => Outcome(() => Describe(read()));

    private static string Describe(HelpCrunchContact c)
    {
        var fields = string.Join("|", new[] { "email", "userId", "name", "phone", "company", "locale", "id", "data" }.Select(f => c.Field(f) ?? "(null)"));
        var text = $"{c.Id} {c.Email}|{c.Name}|{c.UserId}|{c.Locale} {fields} {c.FirstSeen?.ToString("O", CultureInfo.InvariantCulture)} {c.LastSeen?.ToString("O", CultureInfo.InvariantCulture)}";
        return text + $" tags {string.Join(",", c.Tags)} custom {string.Join(",", c.CustomData.Select(p => p.Key + "=" + p.Value?.ToString(Formatting.None)))} raw {c.Raw.ToString(Formatting.None)}";
    }

    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (HelpCrunchException e)
        {
            return $"error {e.StatusCode} transient={e.IsTransient} malformed={e.Malformed} mayHaveActed={e.MayHaveActed}: {e.Message}";
        }
    }

    private static string Outcome(Action read) => Outcome(() =>
    {
        read();
        return "accepted";
    });
}
