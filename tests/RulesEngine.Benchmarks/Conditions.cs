using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Benchmarks;

/// <summary>
/// The realistic conditions every engine evaluates: dictionary lookups of row fields, string tests, and the results
/// of several earlier steps. String tests are ordinal (Contains, ==): a culture-sensitive EndsWith costs about 30 ns
/// in every engine alike and would only hide the engines' own cost. <see cref="Ours"/> is how a flow writes them; <see cref="Peer"/> the same logic over a
/// parameter <c>s</c> (the engines without our name binding); <see cref="HandWritten"/> the C# a developer would write.
/// </summary>
internal static class Conditions
{
    public static readonly string[] Ours =
    [
        "Email.Contains(\"@acme.com\") && update.Result == 0",
        "update.Failed && create.Failed && create.Error != \"\" && lookup[\"contactId\"] != \"\"",
        "Plan == \"pro\" && Company.Length > 3 && Row[\"Seats\"] != \"\"",
    ];

    public static readonly string[] Peer =
    [
        "s.Row[\"Email\"].Contains(\"@acme.com\") && s.Step(\"update\").Result == 0",
        "s.Step(\"update\").Failed && s.Step(\"create\").Failed && s.Step(\"create\").Error != \"\" && s.Step(\"lookup\")[\"contactId\"] != \"\"",
        "s.Row[\"Plan\"] == \"pro\" && s.Row[\"Company\"].Length > 3 && s.Row[\"Seats\"] != \"\"",
    ];

    /// <summary>The same for CSharpScript, whose globals object is the scope itself.</summary>
    public static readonly string[] Script = Peer.Select(p => p.Replace("s.", "", StringComparison.Ordinal)).ToArray();

    public static readonly Func<ItemScope, bool>[] HandWritten =
    [
        s => s.Row["Email"].Contains("@acme.com") && s.Step("update").Result == 0,
        s =>
        {
            var update = s.Step("update");
            var create = s.Step("create");
            var lookup = s.Step("lookup");
            return update.Failed && create.Failed && create.Error != "" && lookup["contactId"] != "";
        },
        s => s.Row["Plan"] == "pro" && s.Row["Company"].Length > 3 && s.Row["Seats"] != "",
    ];

    /// <summary>A condition with a loop, to measure what the cooperative time budget costs.</summary>
    public const string Loop = "Row.Fields.Values.Any(v => v.Contains(\"@acme.com\")) && update.Result == 0";

    public static readonly Func<ItemScope, bool> LoopHandWritten =
        s => s.Row.Fields.Values.Any(v => v.Contains("@acme.com")) && s.Step("update").Result == 0;

    public static readonly ExpressionContext Context = new(["Email", "Name", "Plan", "Company", "Seats"], ["update", "create", "lookup"], []);

    public static ItemScope Scope()
    {
        var row = new SourceRow(17, new Dictionary<string, string>
        {
            ["Email"] = "jane@acme.com", ["Name"] = "Jane Doe", ["Plan"] = "pro", ["Company"] = "Acme Ltd", ["Seats"] = "12",
        });
        var scope = new ItemScope(row, new RunInfo("contacts", "run-1", DateTimeOffset.UnixEpoch, "https://runs/1"));
        scope.SetStep("update", new StepResult(true, 0, "not found"));
        scope.SetStep("create", new StepResult(true, 0, "409: email taken"));
        scope.SetStep("lookup", new StepResult(true, 1, "", new Dictionary<string, string> { ["contactId"] = "c-7" }));
        return scope;
    }

    /// <summary>Our compiler over <paramref name="codes"/> (no disk cache: benchmarks measure the compiler).</summary>
    public static CompiledCondition[] Compile(IReadOnlyList<string> codes, bool budget = true, bool collectible = true)
    {
        var compiler = new ExpressionCompiler { Cache = null, WithBudget = budget, Collectible = collectible };
        var conditions = codes.Select((c, i) => compiler.AddCondition(c, Context, new SourceLocation("bench.json", i + 1, 1))).ToArray();
        var errors = compiler.Compile();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("\n", errors));
        return conditions;
    }
}
