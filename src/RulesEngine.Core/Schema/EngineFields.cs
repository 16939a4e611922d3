using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Schema;

/// <summary>
/// The fields the engine itself reads (the flow's root, the if block, and the source settings every source has),
/// described the way step types describe theirs, so the schema and <c>list</c> show them beside the connectors'.
/// The names must match what <see cref="Flows.FlowLoader"/> accepts; the editing tests compare the two.
/// </summary>
internal static class EngineFields
{
    public const string IfType = "if";
    public const string Then = "then";
    public const string Else = "else";
    public const string Source = "source";
    public const string Steps = "steps";
    public const string Triggers = "triggers";

    public const string TemplateHelp =
        "Text with {placeholders}: a source field ({Email}, or {Row[\"First name\"]} for a column not declared in \"columns\"), " +
        "an earlier step's result ({update.Error}, {create[\"contactId\"]}), the row number ({Row.Number}), the run's link " +
        "({Run.Link}) or any C# expression ({Name.Trim().ToUpper()}). Write {{ and }} for literal braces.";

    public const string ConditionHelp =
        "A C# boolean expression over source fields (Email, or Row[\"First name\"]), earlier steps (update.Failed, " +
        "update.Succeeded, create.Error, update.Ran) and the run (Run.Flow, Run.Link).";

    public const string StepIdHelp =
        "The step's name, used by later conditions and templates (update.Failed, {create.Error}): a C# identifier " +
        "(letters, digits, _; not a keyword, not Row or Run), unique within the flow.";

    /// <summary>Root fields in the order a flow file usually lists them. <c>source</c> and <c>steps</c> are described
    /// by the source and step types, so they carry no kind here.</summary>
    public static IReadOnlyList<(string Name, string Description)> Root { get; } =
    [
        ("$schema", "The JSON schema editors use to complete and check this file, e.g. \"../schema/flow.schema.json\"."),
        ("name", "The flow's name, unique among the loaded flows (default: the file name). History, run links and the stored position use it."),
        ("description", "What the flow does, for people."),
        ("comment", "A note for people; the engine ignores it."),
        (Source, "Where the items come from: an object with a \"type\" and that type's settings."),
        (Steps, "What happens to each item, in order: receiver steps and if blocks."),
        ("runLink", "Template of the link to a run, shown as {Run.Link}; {flow} and {runId} are replaced. Default: " + Flows.FlowLoader.DefaultRunLink),
        ("batchSize", "How many items go through the steps together (receivers may serve a batch with one call). Default 10, at least 1."),
        (Triggers, "When the daemon runs the flow by itself: \"interval\" (\"00:05:00\" or seconds), \"cron\" (a list of expressions), " +
            "\"timeZone\", \"after\" (other flows), \"missedRuns\" (runOnce or skip), \"manual\". Without triggers the flow runs only on demand."),
    ];

    /// <summary>The if block: <c>condition</c>, <c>then</c> (required) and <c>else</c>, which are lists of steps.</summary>
    public static StepSpec IfBlock { get; } = new(
        IfType,
        "Runs \"then\" for the items where the condition holds and \"else\" for the rest; its own result (1 or 0) is visible to later steps under its id.",
        [new FieldSpec("condition", FieldKind.Condition, "the C# condition that picks the branch. " + ConditionHelp, Required: true, Example: "update.Failed")]);

    public const string ThenHelp = "The steps to run for items where the condition holds.";
    public const string ElseHelp = "The steps to run for the other items (optional).";

    /// <summary>Settings the engine reads on every source, whatever its type (a source spec may declare them itself).</summary>
    public static IReadOnlyList<FieldSpec> SourceFields { get; } =
    [
        new("existingRows", FieldKind.Text,
            "on the first run: 'process' the rows already in the source, or 'skip' them and start with rows added afterwards (default process)",
            AllowedValues: ["process", "skip"]),
        new("filter", FieldKind.Condition, "only items for which this C# condition holds are processed; others are recorded as skipped",
            Example: "Email.EndsWith(\"@example.com\")"),
    ];
}
