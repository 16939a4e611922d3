using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.HttpApi.Tests.Support;

/// <summary>
/// A small JSON API on loopback that http.request tests call: contacts created with POST (201, an id), read with
/// GET, tagged with PUT; <c>/v1/missing</c> answers 404, <c>/v1/text</c> plain text, <c>/v1/echo-auth</c> a 400 that
/// quotes the Authorization header back (a hostile server). Every request is recorded; faults come from the plan.
/// </summary>
internal static class TestApi
{
    public static Task<EmulatorHost> StartAsync() => EmulatorHost.StartAsync(Map, WriteFaultAsync);

    private static void Map(WebApplication app)
    {
        var nextId = 41;
        app.MapPost("/v1/contacts", async (HttpContext context) =>
        {
            var body = JObject.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync());
            var id = Interlocked.Increment(ref nextId);
            return Results.Text(new JObject { ["data"] = new JObject { ["id"] = id, ["email"] = body["email"], ["tags"] = new JArray("new") } }.ToString(),
                "application/json", statusCode: 201);
        });
        app.MapGet("/v1/contacts/{id}", (string id) => Results.Text(new JObject { ["data"] = new JObject { ["id"] = id } }.ToString(), "application/json"));
        app.MapPut("/v1/contacts/{id}/tags", (string id) => Results.Text(new JObject { ["ok"] = true, ["id"] = id }.ToString(), "application/json"));
        app.MapGet("/v1/missing", () => Results.Text("{\"error\":\"no such thing\"}", "application/json", statusCode: 404));
        app.MapGet("/v1/text", () => Results.Text("hello", "text/plain"));
        app.MapGet("/v1/echo-auth", (HttpContext context) =>
            Results.Text($"{{\"error\":\"bad token {context.Request.Headers.Authorization}\"}}", "application/json", statusCode: 400));
        app.MapGet("/v1/private", (HttpContext context) =>
            context.Request.Headers.Authorization == "Bearer " + Token ? Results.Text("{}", "application/json") : Results.StatusCode(401));
        app.MapGet("/v1", () => Results.Text("{\"name\":\"test api\"}", "application/json"));
    }

    public const string Token = "test-api-token-0123456789";

    private static async Task WriteFaultAsync(HttpContext context, Fault fault)
    {
        context.Response.StatusCode = fault.StatusCode;
        if (fault.Kind == FaultKind.RateLimited) context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($"{{\"error\":\"{fault.Message ?? "injected"}\"}}");
    }
}
